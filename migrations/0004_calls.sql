-- Calls for applications (issue "Calls for applications"): the call itself, its window in
-- a stated reference time zone, languages, cap and status. Forms, drafts and applications
-- come in later migrations.
CREATE TABLE calls (
    id ID_PK,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    -- Instants, Unix seconds (UTC); shown in `time_zone` and in each viewer's zone.
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    time_zone TEXT NOT NULL,
    -- Languages in which one may apply: "fr", "en" or "fr,en".
    languages TEXT NOT NULL DEFAULT 'fr',
    max_applications BIGINT,
    status TEXT NOT NULL DEFAULT 'draft',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX calls_by_programme ON calls(programme_id);
