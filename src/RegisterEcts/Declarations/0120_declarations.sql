-- One row per declaration: what lead providers list, and what statements pay.
CREATE TABLE declarations (
    declaration_id        uuid PRIMARY KEY,
    teacher_id            uuid NOT NULL,
    lead_provider_id      uuid NOT NULL,
    training_period_id    integer NOT NULL,
    role                  text NOT NULL,
    declaration_type      text NOT NULL,
    declaration_date      timestamptz NOT NULL,
    evidence_held         text,
    contract_period_year  integer NOT NULL,
    state                 text NOT NULL,
    statement_id          uuid,
    clawback_statement_id uuid,
    delivery_partner_id   uuid,
    mentor_id             uuid,
    created_at            timestamptz NOT NULL,
    api_updated_at        timestamptz NOT NULL
);

-- At most one live (billable or changeable, not clawed back) declaration of a type per teacher and role, under any
-- lead provider: of two identical submissions racing, the second insert fails and its events roll back.
CREATE UNIQUE INDEX declarations_one_live_per_type ON declarations (teacher_id, role, declaration_type)
    WHERE state IN ('submitted', 'eligible', 'payable', 'paid');

CREATE INDEX declarations_teacher ON declarations (teacher_id);
CREATE INDEX declarations_statement ON declarations (statement_id) WHERE statement_id IS NOT NULL;
CREATE INDEX declarations_clawback_statement ON declarations (clawback_statement_id) WHERE clawback_statement_id IS NOT NULL;
CREATE INDEX declarations_lead_provider_updated ON declarations (lead_provider_id, api_updated_at);
