-- GET /api/v3/participant-declarations pages a provider's own declarations in created_at order: one index range.
CREATE INDEX declarations_lead_provider_created ON declarations (lead_provider_id, created_at, declaration_id);
