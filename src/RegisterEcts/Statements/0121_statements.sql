-- Lead providers' monthly payment statements per cohort.
CREATE TABLE statements (
    statement_id         uuid PRIMARY KEY,
    lead_provider_id     uuid NOT NULL,
    contract_period_year integer NOT NULL,
    year                 integer NOT NULL,
    month                integer NOT NULL CHECK (month BETWEEN 1 AND 12),
    deadline_date        date NOT NULL,
    payment_date         date NOT NULL,
    fee_type             text NOT NULL,
    status               text NOT NULL,
    marked_as_paid_at    timestamptz,
    created_at           timestamptz NOT NULL,
    api_updated_at       timestamptz NOT NULL,
    UNIQUE (lead_provider_id, contract_period_year, year, month)
);

CREATE INDEX statements_open_by_deadline ON statements (deadline_date) WHERE status = 'open';
