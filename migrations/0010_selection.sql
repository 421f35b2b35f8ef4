-- Selection of a call's cohort: the parameters last used (size, waitlist, diversity rules,
-- pins and exclusions with their reasons), the decision on each application, and the log
-- of every change of decision (who, when, what, why).
CREATE TABLE selection_settings (
    call_id BIGINT PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    -- JSON: selection::Params
    params TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE decisions (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    -- selected, waitlisted, rejected
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- Place on the waitlist (1 first), for waitlisted ones.
    waitlist_rank BIGINT,
    decided_by BIGINT NOT NULL,
    decided_at BIGINT NOT NULL,
    -- When the applicant was told (the e-mail was queued).
    notified_at BIGINT
);
CREATE INDEX decisions_by_call ON decisions(call_id, decision);

CREATE TABLE decision_log (
    id ID_PK,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    call_id BIGINT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_by BIGINT NOT NULL,
    decided_at BIGINT NOT NULL
);
CREATE INDEX decision_log_by_call ON decision_log(call_id, id);
