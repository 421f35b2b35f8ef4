-- Files sent with applications. The bytes live under DATA_DIR/attachments/<id>; the row says
-- whose application they belong to, which question they answer and what they are (a type
-- recognised from the content, never from the name).
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_by_application ON attachments(application_id);
