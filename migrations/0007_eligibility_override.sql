-- A manager may let an applicant through the eligibility rules, with a reason.
ALTER TABLE applications ADD COLUMN eligibility_override TEXT;
ALTER TABLE applications ADD COLUMN override_by BIGINT;
ALTER TABLE applications ADD COLUMN override_at BIGINT;
