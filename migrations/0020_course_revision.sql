-- A course's revision, bumped by every change to what its pages show the same to all:
-- the course, its modules, lessons, quizzes, exercises and certificate rules (in the
-- change's transaction). Each node caches that content per course and revision, and reads
-- the revision with the course: the busiest pages of an open course (10,000 learners) read
-- the course's structure from memory, never stale, also with several nodes.
ALTER TABLE courses ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
