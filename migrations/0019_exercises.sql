-- The weekly exercise of a course module, the learners' submissions, the tutors' grades on
-- the exercise's rubric and teammates' peer ratings of teamwork (issue 6).
CREATE TABLE exercises (
    id ID_PK,
    module_id BIGINT NOT NULL REFERENCES course_modules(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    -- Markdown, safe subset (domain::markdown).
    instructions TEXT NOT NULL DEFAULT '',
    instructions_en TEXT NOT NULL DEFAULT '',
    -- JSON of domain::exercise::Grouping, AnswerType, LatePolicy and domain::rubric::Rubric.
    grouping TEXT NOT NULL,
    answer TEXT NOT NULL,
    late_policy TEXT NOT NULL,
    rubric TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    updated_at BIGINT NOT NULL
);
CREATE INDEX exercises_by_module ON exercises(module_id);

-- One submission per learner (individual exercise) or per team (team exercise): `owner` is
-- 'u<user id>' or 't<team number>'. It is a draft until sent; sending again replaces the
-- work until a tutor grades it. Team submissions are not tied to the teams table, which a
-- manager may rebuild: who it counts for is in submission_members.
CREATE TABLE submissions (
    id ID_PK,
    exercise_id BIGINT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    owner TEXT NOT NULL,
    team_number BIGINT,
    -- JSON of domain::exercise::Work.
    work TEXT NOT NULL,
    -- The finished upload the work names (file and video answers).
    upload_id TEXT REFERENCES uploads(id) ON DELETE SET NULL,
    -- 'draft' or 'sent'
    state TEXT NOT NULL CHECK (state IN ('draft', 'sent')),
    -- Times sent; 0 for a draft never sent.
    version BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    sent_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    late BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (exercise_id, owner)
);

CREATE TABLE submission_members (
    submission_id BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (submission_id, user_id)
);
CREATE INDEX submission_members_by_user ON submission_members(user_id);

-- A tutor's grade of a sent submission; once written the work is no longer replaced. The
-- learner sees it once released.
CREATE TABLE submission_grades (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    tutor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- JSON of domain::rubric::Scores.
    scores TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    -- Weighted rubric score, 0 to 100, in thousandths.
    score_milli BIGINT NOT NULL,
    -- The automatic reactivity (domain::exercise::reactivity), 0 to 100, in thousandths.
    reactivity_milli BIGINT NOT NULL,
    graded_at BIGINT NOT NULL,
    released_at BIGINT
);

-- Teammates' ratings of each other's teamwork after a team exercise (domain::peer).
CREATE TABLE peer_ratings (
    exercise_id BIGINT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    rater_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ratee_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    score BIGINT NOT NULL,
    rated_at BIGINT NOT NULL,
    PRIMARY KEY (exercise_id, rater_id, ratee_id)
);

-- Each learner's course in figures (domain::progress::Signals as JSON), kept up to date as
-- work is sent, graded and rated, and every hour for deadlines that pass: what the
-- selection of the next phase reads.
CREATE TABLE course_signals (
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    signals TEXT NOT NULL,
    at_risk BIGINT NOT NULL DEFAULT 0,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
