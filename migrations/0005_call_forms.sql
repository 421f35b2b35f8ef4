-- Application forms, versioned: every change of a call's form adds a version, and each
-- application will record the version it answered, so every answer stays readable.
CREATE TABLE call_forms (
    id ID_PK,
    call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    -- JSON of domain::form::Form.
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (call_id, version)
);
-- JSON of domain::eligibility::Rules.
ALTER TABLE calls ADD COLUMN eligibility TEXT NOT NULL DEFAULT '{}';
