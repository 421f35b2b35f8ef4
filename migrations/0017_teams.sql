-- Teams of a course, for team exercises: formed by a manager by hand or balanced
-- automatically (country, gender). A learner is in at most one team of a course.
CREATE TABLE teams (
    id ID_PK,
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    -- 1, 2, 3… as shown
    number BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (course_id, number)
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX team_members_by_team ON team_members(team_id);
