-- Applications to calls: one per person and call, a draft saved as she types, then
-- submitted versions kept one by one.
CREATE TABLE applications (
    id ID_PK,
    call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- draft, submitted, withdrawn
    status TEXT NOT NULL DEFAULT 'draft',
    form_version BIGINT NOT NULL,
    -- JSON object: question id -> answer, as last saved.
    answers TEXT NOT NULL DEFAULT '{}',
    -- Bumped by every save: a save based on an older revision is refused (last-write check).
    revision BIGINT NOT NULL DEFAULT 0,
    -- The answers of a save refused by that check, kept so that nothing typed is lost.
    conflict_answers TEXT,
    receipt TEXT UNIQUE,
    submitted_revision BIGINT,
    submitted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (call_id, user_id)
);
CREATE INDEX applications_by_call ON applications(call_id, status);

CREATE TABLE application_versions (
    id ID_PK,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    form_version BIGINT NOT NULL,
    answers TEXT NOT NULL,
    submitted_at BIGINT NOT NULL
);
CREATE INDEX application_versions_by_application ON application_versions(application_id);
