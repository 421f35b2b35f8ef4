-- Quizzes of course modules (issue 6): the questions, pass mark and attempts limit are one
-- JSON document (domain::quiz::Quiz), checked before it is written; each learner's attempts
-- are numbered 1, 2, 3... and never change once submitted.
CREATE TABLE quizzes (
    id ID_PK,
    module_id BIGINT NOT NULL REFERENCES course_modules(id) ON DELETE CASCADE,
    -- 1, 2, 3... within the module, after its lessons.
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    -- JSON of domain::quiz::Quiz (questions with their answers, pass_percent, max_attempts).
    definition TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX quizzes_by_module ON quizzes(module_id, position);

CREATE TABLE quiz_attempts (
    id ID_PK,
    quiz_id BIGINT NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 1 for the first attempt of this learner at this quiz, then 2, 3...
    number BIGINT NOT NULL,
    -- JSON of domain::quiz::Answers, '{}' until submitted.
    answers TEXT NOT NULL DEFAULT '{}',
    -- The score in thousandths of a percent (60 % is 60000): an integer reads the same on
    -- both databases. NULL until submitted.
    score_milli BIGINT NULL,
    passed BIGINT NOT NULL DEFAULT 0,
    -- JSON of domain::quiz::Graded as it was at submission: a later edit of the quiz does
    -- not change a past result.
    graded TEXT NULL,
    started_at BIGINT NOT NULL,
    submitted_at BIGINT NULL,
    UNIQUE (quiz_id, user_id, number)
);
CREATE INDEX quiz_attempts_by_user ON quiz_attempts(user_id, quiz_id);
