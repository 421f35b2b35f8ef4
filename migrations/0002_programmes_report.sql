-- Programmes and the public activity report: editable programme pages with translations,
-- phases, budgets, testimonials, annual reports, and the search index.

ALTER TABLE programmes RENAME COLUMN summary TO body;
ALTER TABLE programmes ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN mission_en TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN body_en TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN region TEXT NOT NULL DEFAULT '';
-- ISO 3166-1 alpha-2 codes, comma-separated, e.g. "SN,BJ,CI".
ALTER TABLE programmes ADD COLUMN countries TEXT NOT NULL DEFAULT '';
-- Theme codes (see domain::programme::Theme), comma-separated.
ALTER TABLE programmes ADD COLUMN themes TEXT NOT NULL DEFAULT '';
-- One name per line.
ALTER TABLE programmes ADD COLUMN funders TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN partners TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE programmes ADD COLUMN cover_image TEXT;
ALTER TABLE programmes ADD COLUMN budget_public BIGINT NOT NULL DEFAULT 1;

CREATE TABLE programme_phases (
    id ID_PK,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    position BIGINT NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL
);
CREATE INDEX programme_phases_by_programme ON programme_phases(programme_id, position);

CREATE TABLE budget_lines (
    id ID_PK,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    category TEXT NOT NULL,
    planned_minor BIGINT NOT NULL,
    actual_minor BIGINT,
    is_public BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX budget_lines_by_programme ON budget_lines(programme_id, year);

ALTER TABLE testimonials ADD COLUMN person_country TEXT NOT NULL DEFAULT '';
ALTER TABLE testimonials ADD COLUMN photo TEXT;

-- Self-declared, optional; used only in aggregated indicators.
ALTER TABLE users ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN country TEXT NOT NULL DEFAULT '';

CREATE TABLE annual_reports (
    year BIGINT PRIMARY KEY,
    foreword TEXT NOT NULL DEFAULT '',
    foreword_en TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

-- The search index, one code path for both databases: documents, and their terms after
-- accent folding and stemming (domain::search), weighted by field.
CREATE TABLE search_docs (
    id ID_PK,
    kind TEXT NOT NULL,
    ref_key TEXT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    body_en TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    is_public BIGINT NOT NULL,
    UNIQUE (kind, ref_key)
);
CREATE TABLE search_terms (
    doc_id BIGINT NOT NULL REFERENCES search_docs(id) ON DELETE CASCADE,
    term TEXT NOT NULL,
    weight BIGINT NOT NULL,
    PRIMARY KEY (term, doc_id)
);
CREATE INDEX search_terms_by_doc ON search_terms(doc_id);
