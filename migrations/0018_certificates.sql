-- Certificates of completion: the rules of each course, and the certificates issued, each
-- with the code anyone can check on the public page. What a certificate says (name, course,
-- programme) is kept as issued; a revoked one says so, with the reason.
CREATE TABLE certificate_rules (
    course_id BIGINT PRIMARY KEY REFERENCES courses(id) ON DELETE CASCADE,
    min_quiz_percent BIGINT NOT NULL,
    min_exercises BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE certificates (
    id ID_PK,
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The verification code without dashes (domain::certificate::VerificationCode::compact).
    code TEXT NOT NULL UNIQUE,
    holder_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    programme_title TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoke_reason TEXT,
    UNIQUE (course_id, user_id)
);
