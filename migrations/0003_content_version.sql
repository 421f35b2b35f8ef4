-- A counter bumped by every change to public content (programmes, testimonials, costs,
-- reports). Each node compares it with the version of its in-memory caches (search index,
-- report and home pages) and rebuilds them when it moved: correct with several nodes.
CREATE TABLE content_version (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);
