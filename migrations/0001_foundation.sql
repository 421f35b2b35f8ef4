-- Foundation: accounts, sessions, e-mail outbox, organisations and programmes.
-- Portable SQL for SQLite and PostgreSQL. `ID_PK` is the one dialect token: the store
-- replaces it with an auto-incrementing 64-bit primary key for the backend in use.
-- Instants are BIGINT seconds since the Unix epoch (UTC); flags are BIGINT 0/1; money is
-- BIGINT minor units.

CREATE TABLE users (
    id ID_PK,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin BIGINT NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT 'fr',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    email_confirmed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- Single-use links sent by e-mail: address confirmation and password reset.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_tokens_by_user ON account_tokens(user_id, purpose);

CREATE TABLE api_tokens (
    id ID_PK,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);

-- Failed sign-in counters per account and per client address, shared by all nodes.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    failures BIGINT NOT NULL
);

CREATE TABLE outbox (
    id ID_PK,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE organisations (
    id ID_PK,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE programmes (
    id ID_PK,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    mission TEXT NOT NULL,
    summary TEXT NOT NULL,
    start_month TEXT NOT NULL,
    end_month TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    budget_estimate_minor BIGINT,
    is_public BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Full costs of a programme for one calendar year.
CREATE TABLE programme_costs (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (programme_id, year)
);

CREATE TABLE testimonials (
    id ID_PK,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    quote TEXT NOT NULL,
    person_name TEXT NOT NULL,
    person_role TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT 'fr',
    consent BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX testimonials_by_programme ON testimonials(programme_id, position);

CREATE TABLE programme_members (
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (programme_id, user_id, role)
);
CREATE INDEX programme_members_by_user ON programme_members(user_id);
