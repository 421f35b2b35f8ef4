-- The online course of a programme phase (issue 6): one course per phase, made of modules
-- that open week by week at a local date and time in the course's zone, each holding
-- lessons in order. Quizzes, exercises and uploads will hang off modules and lessons.
CREATE TABLE courses (
    id ID_PK,
    phase_id BIGINT NOT NULL UNIQUE REFERENCES programme_phases(id) ON DELETE CASCADE,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    -- 'cohort' (the phase's participants) or 'open' (anyone signed in may enrol: MOOC)
    mode TEXT NOT NULL CHECK (mode IN ('cohort', 'open')),
    -- 'draft' (managers and tutors only) or 'published'
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    -- IANA name; modules open at their local date and time in this zone.
    time_zone TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE course_modules (
    id ID_PK,
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    -- 1, 2, 3... kept consecutive by the use cases (not UNIQUE: a move rewrites them all).
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD and HH:MM, local to the course's zone.
    opens_on TEXT NOT NULL,
    opens_time TEXT NOT NULL DEFAULT '00:00'
);
CREATE INDEX course_modules_by_course ON course_modules(course_id, position);

CREATE TABLE lessons (
    id ID_PK,
    module_id BIGINT NOT NULL REFERENCES course_modules(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    -- 'text', 'video' or 'pdf'
    kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'video', 'pdf')),
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    -- Markdown, safe subset (domain::markdown).
    body TEXT NOT NULL DEFAULT '',
    body_en TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    updated_at BIGINT NOT NULL
);
CREATE INDEX lessons_by_module ON lessons(module_id, position);

-- Who enrolled in a course themselves (open courses) and its tutors. The learners of a
-- cohort course are the phase's participants, read from phase_participants, not copied.
CREATE TABLE course_enrolments (
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'learner' or 'tutor'
    role TEXT NOT NULL CHECK (role IN ('learner', 'tutor')),
    enrolled_at BIGINT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_enrolments_by_user ON course_enrolments(user_id);
