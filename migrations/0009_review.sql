-- Review of a call's applications: its settings (rubric, blind or not, reviewers per
-- application, conflict rules, end of scoring), its reviewers, their conflicts of interest,
-- and the reviews (an assignment is a review not begun yet).
CREATE TABLE review_settings (
    call_id BIGINT PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    -- JSON: domain::rubric::Rubric
    rubric TEXT NOT NULL,
    blind BIGINT NOT NULL DEFAULT 1,
    per_application BIGINT NOT NULL DEFAULT 3,
    same_country_conflict BIGINT NOT NULL DEFAULT 0,
    same_organisation_conflict BIGINT NOT NULL DEFAULT 1,
    -- Scores are refused from this instant on (NULL: open until the selection).
    closes_at BIGINT,
    updated_at BIGINT NOT NULL
);

-- A reviewer of one call, known by e-mail: she reviews once signed in with an account
-- whose address is this one and confirmed.
CREATE TABLE reviewers (
    id ID_PK,
    call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Comma-separated language codes she reads.
    languages TEXT NOT NULL DEFAULT 'fr',
    country TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (call_id, email)
);

CREATE TABLE review_conflicts (
    reviewer_id BIGINT NOT NULL REFERENCES reviewers(id) ON DELETE CASCADE,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    declared_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (reviewer_id, application_id)
);

CREATE TABLE reviews (
    id ID_PK,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES reviewers(id) ON DELETE CASCADE,
    -- assigned, draft, submitted
    status TEXT NOT NULL DEFAULT 'assigned',
    -- JSON: criterion id -> score
    scores TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    -- Weighted score out of 100 in thousandths, once submitted.
    score_milli BIGINT,
    assigned_at BIGINT NOT NULL,
    submitted_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (application_id, reviewer_id)
);
CREATE INDEX reviews_by_reviewer ON reviews(reviewer_id, status);
