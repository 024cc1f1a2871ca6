-- One partnership per school, lead provider and year, enforced here so a race rolls one back.
CREATE TABLE partnerships (
    partnership_id       uuid PRIMARY KEY,
    school_id            uuid NOT NULL,
    lead_provider_id     uuid NOT NULL,
    delivery_partner_id  uuid NOT NULL,
    contract_period_year integer NOT NULL,
    created_on           date NOT NULL,
    UNIQUE (school_id, lead_provider_id, contract_period_year)
);
