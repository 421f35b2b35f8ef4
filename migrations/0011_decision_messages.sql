-- The messages that tell applicants their result, as a call's manager rewrote them: one per
-- decision (selected, waitlisted, rejected) and language. Without a row, the catalogue's
-- text is sent.
CREATE TABLE decision_messages (
    call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    decision TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (call_id, decision, locale)
);
