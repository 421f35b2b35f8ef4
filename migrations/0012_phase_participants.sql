-- Who takes part in each phase of a programme: the people a call selected for it (kept in
-- step with the call's decisions) and those a manager enrolled by hand. The course of a
-- phase enrols them.
CREATE TABLE phase_participants (
    phase_id BIGINT NOT NULL REFERENCES programme_phases(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'selection' (a call's decision) or 'manager' (enrolled by hand)
    source TEXT NOT NULL,
    -- The selected application, for 'selection'.
    application_id BIGINT REFERENCES applications(id) ON DELETE CASCADE,
    added_by BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (phase_id, user_id)
);
CREATE INDEX phase_participants_by_user ON phase_participants(user_id);
CREATE INDEX phase_participants_by_application ON phase_participants(application_id);
