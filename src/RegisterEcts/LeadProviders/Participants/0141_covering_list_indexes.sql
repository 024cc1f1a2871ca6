-- The v3 lists sort and page keys first and read documents only for the page sent (V3Query.KeysFirst). These
-- indexes carry every column that stage needs, so it is an index-only scan: the created_at order filtered by
-- updated_since, and the updated_since range sorted by created_at, both without touching a document.
DROP INDEX lead_provider_participants_updated;
DROP INDEX lead_provider_participants_created;
CREATE INDEX lead_provider_participants_updated ON lead_provider_participants (lead_provider_id, api_updated_at, teacher_id) INCLUDE (created_at);
CREATE INDEX lead_provider_participants_created ON lead_provider_participants (lead_provider_id, created_at, teacher_id) INCLUDE (api_updated_at);

DROP INDEX lead_provider_transfers_updated;
DROP INDEX lead_provider_transfers_created;
CREATE INDEX lead_provider_transfers_updated ON lead_provider_transfers (lead_provider_id, api_updated_at, teacher_id) INCLUDE (created_at);
CREATE INDEX lead_provider_transfers_created ON lead_provider_transfers (lead_provider_id, created_at, teacher_id) INCLUDE (api_updated_at);

DROP INDEX lead_provider_unfunded_mentors_updated;
DROP INDEX lead_provider_unfunded_mentors_created;
CREATE INDEX lead_provider_unfunded_mentors_updated ON lead_provider_unfunded_mentors (lead_provider_id, api_updated_at, teacher_id) INCLUDE (created_at);
CREATE INDEX lead_provider_unfunded_mentors_created ON lead_provider_unfunded_mentors (lead_provider_id, created_at, teacher_id) INCLUDE (api_updated_at);
