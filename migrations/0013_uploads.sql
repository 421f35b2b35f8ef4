-- Resumable uploads (tus 1.0.0): a file sent in pieces over an unreliable connection. The
-- bytes received so far live in DATA_DIR/uploads/<id>.part, renamed DATA_DIR/uploads/<id>
-- once complete. The row is written only after the bytes it counts are on disk (fsync), so
-- `upload_offset` never counts a byte that a crash could lose.
-- `upload_length`/`upload_offset` are named after the protocol's headers: OFFSET is a
-- reserved word in both SQLite and PostgreSQL.
CREATE TABLE uploads (
    -- 32 random hexadecimal digits, like attachment ids: the upload's address is unguessable.
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- What the file is for (e.g. exercise): which types and sizes it may have.
    purpose TEXT NOT NULL,
    upload_length BIGINT NOT NULL,
    upload_offset BIGINT NOT NULL DEFAULT 0,
    -- The size limit in force when the upload was created.
    max_bytes BIGINT NOT NULL,
    -- JSON object: the Upload-Metadata the client sent, decoded.
    metadata TEXT NOT NULL,
    -- The client's word for its name (cleaned) and type; never trusted for the type.
    filename TEXT NOT NULL,
    filetype TEXT NOT NULL,
    -- Recognised from the content once complete (domain::attachment::FileType code).
    detected_type TEXT,
    sha256 TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- An unfinished upload is swept after this instant (renewed by every accepted piece).
    expires_at BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX uploads_by_user ON uploads(user_id);
CREATE INDEX uploads_by_expiry ON uploads(expires_at);
