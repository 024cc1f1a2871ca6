-- What the lead provider API v3 serves (partnerships, schools, delivery partners), kept by
-- LeadProviderApiProjection. Each row holds its document and an api_updated_at that moves only when
-- that document changes, taken from the recorded_at of the event that changed it.

-- The school and delivery-partner facts the documents quote, kept by the same projection so its SQL
-- never depends on the order other projections write in.
CREATE TABLE lead_provider_api_schools (
    school_id      uuid PRIMARY KEY,
    urn            integer NOT NULL,
    name           text NOT NULL,
    eligible       boolean NOT NULL,
    created_at     timestamptz NOT NULL,
    api_updated_at timestamptz NOT NULL
);
CREATE INDEX lead_provider_api_schools_created ON lead_provider_api_schools (created_at, school_id);
CREATE INDEX lead_provider_api_schools_updated ON lead_provider_api_schools (api_updated_at, school_id);
CREATE INDEX lead_provider_api_schools_urn ON lead_provider_api_schools (urn);

CREATE TABLE lead_provider_api_delivery_partner_names (
    delivery_partner_id uuid PRIMARY KEY,
    name                text NOT NULL,
    created_at          timestamptz NOT NULL
);

-- One row per partnership. document: the v3 attributes except updated_at and the calendar-driven
-- participants_currently_training; hash: of the document, so "did it change" is one comparison.
CREATE TABLE lead_provider_partnerships (
    partnership_id       uuid PRIMARY KEY,
    lead_provider_id     uuid NOT NULL,
    school_id            uuid NOT NULL,
    delivery_partner_id  uuid NOT NULL,
    contract_period_year integer NOT NULL,
    document             jsonb NOT NULL,
    hash                 text GENERATED ALWAYS AS (md5(document::text)) STORED,
    created_at           timestamptz NOT NULL,
    api_updated_at       timestamptz NOT NULL
);
CREATE INDEX lead_provider_partnerships_created ON lead_provider_partnerships (lead_provider_id, created_at, partnership_id);
CREATE INDEX lead_provider_partnerships_updated ON lead_provider_partnerships (lead_provider_id, api_updated_at, partnership_id);
CREATE INDEX lead_provider_partnerships_school ON lead_provider_partnerships (school_id, contract_period_year);

-- A delivery partner as one lead provider sees it: only the years that provider works with it.
CREATE TABLE lead_provider_delivery_partners (
    lead_provider_id    uuid NOT NULL,
    delivery_partner_id uuid NOT NULL,
    name                text NOT NULL,
    cohorts             integer[] NOT NULL,
    created_at          timestamptz NOT NULL,
    api_updated_at      timestamptz NOT NULL,
    PRIMARY KEY (lead_provider_id, delivery_partner_id)
);
CREATE INDEX lead_provider_delivery_partners_created ON lead_provider_delivery_partners (lead_provider_id, created_at, delivery_partner_id);
CREATE INDEX lead_provider_delivery_partners_updated ON lead_provider_delivery_partners (lead_provider_id, api_updated_at, delivery_partner_id);

-- Training periods under a partnership, for participants_currently_training (which changes with the
-- calendar, so it is counted on read and not part of the document).
CREATE TABLE lead_provider_partnership_training (
    teacher_id         uuid NOT NULL,
    training_period_id integer NOT NULL,
    partnership_id     uuid NOT NULL,
    started_on         date NOT NULL,
    finished_on        date,
    PRIMARY KEY (teacher_id, training_period_id)
);
CREATE INDEX lead_provider_partnership_training_partnership ON lead_provider_partnership_training (partnership_id);

-- Cohorts, to place a school-led training period (which names no cohort) by its start date.
CREATE TABLE lead_provider_api_contract_periods (
    year        integer PRIMARY KEY,
    started_on  date NOT NULL,
    finished_on date NOT NULL
);

-- What training has ever been arranged at a school, per cohort and lead provider: it drives a school's
-- expression_of_interest (which stays true once set) and induction_programme_choice.
CREATE TABLE lead_provider_school_training (
    school_id            uuid NOT NULL,
    role                 text NOT NULL,
    programme            text NOT NULL,
    lead_provider_id     uuid NOT NULL,   -- the nil uuid for school-led training
    contract_period_year integer NOT NULL, -- 0 when no cohort contains a school-led start
    PRIMARY KEY (school_id, contract_period_year, lead_provider_id, role, programme)
);
