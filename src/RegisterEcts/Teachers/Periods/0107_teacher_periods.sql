-- What happened inside a teacher's time at schools, and where the teacher stands now. Dates are
-- inclusive ranges ('[]' on insert); an unbounded upper end is an open period. The exclusion
-- constraints are the period rules themselves, so a decision that would break one cannot commit.

-- Training of one role never overlaps (rect-domain: one lead provider at a time per role).
CREATE TABLE training_periods (
    teacher_id           uuid NOT NULL,
    period_id            integer NOT NULL,
    role                 text NOT NULL CHECK (role IN ('ect', 'mentor')),
    at_school_period_id  integer NOT NULL,
    school_id            uuid NOT NULL,
    dates                daterange NOT NULL,
    training_programme   text NOT NULL,
    lead_provider_id     uuid,
    contract_period_year integer,
    schedule_identifier  text,
    partnership_id       uuid,
    delivery_partner_id  uuid,
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deferred', 'withdrawn')),
    deferral_reason      text,
    deferred_on          date,
    withdrawal_reason    text,
    withdrawn_on         date,
    PRIMARY KEY (teacher_id, period_id),
    EXCLUDE USING gist (teacher_id WITH =, role WITH =, dates WITH &&)
);
CREATE INDEX training_periods_school ON training_periods (school_id);
CREATE INDEX training_periods_lead_provider ON training_periods (lead_provider_id) WHERE lead_provider_id IS NOT NULL;
CREATE INDEX training_periods_partnership ON training_periods (partnership_id) WHERE partnership_id IS NOT NULL;

-- Held as the mentee's stream holds it: an ECT has one mentor at a time.
CREATE TABLE mentorship_periods (
    mentee_id        uuid NOT NULL,
    mentorship_id    integer NOT NULL,
    ect_period_id    integer NOT NULL,
    mentor_id        uuid NOT NULL,
    mentor_period_id integer NOT NULL,
    dates            daterange NOT NULL,
    PRIMARY KEY (mentee_id, mentorship_id),
    EXCLUDE USING gist (mentee_id WITH =, dates WITH &&)
);
CREATE INDEX mentorship_periods_mentor ON mentorship_periods (mentor_id);

CREATE TABLE induction_periods (
    teacher_id          uuid NOT NULL,
    period_id           integer NOT NULL,
    appropriate_body_id uuid NOT NULL,
    dates               daterange NOT NULL,
    training_programme  text NOT NULL,
    number_of_terms     numeric,
    outcome             text CHECK (outcome IN ('pass', 'fail')),
    PRIMARY KEY (teacher_id, period_id),
    EXCLUDE USING gist (teacher_id WITH =, dates WITH &&)
);
CREATE INDEX induction_periods_appropriate_body ON induction_periods (appropriate_body_id);

CREATE TABLE induction_extensions (
    teacher_id          uuid NOT NULL,
    extension_id        integer NOT NULL,
    appropriate_body_id uuid NOT NULL,
    number_of_terms     numeric NOT NULL,
    added_on            date NOT NULL,
    PRIMARY KEY (teacher_id, extension_id)
);

-- One row per teacher stream. Funding eligibility is whichever of "eligible" and "ineligible" came
-- first (Teacher.EligibleForFunding); the dates are kept so the flag can be worked out as they change.
CREATE TABLE teachers (
    teacher_id                     uuid PRIMARY KEY,
    trn                            text NOT NULL,
    name                           text NOT NULL,
    ect_training_status            text,
    mentor_training_status         text,
    induction_status               text NOT NULL DEFAULT 'none',
    ect_eligible_for_funding_on    date,
    ect_ineligible_for_funding_on  date,
    mentor_eligible_for_funding_on date,
    mentor_ineligible_for_funding_on date,
    ect_eligible_for_funding       boolean GENERATED ALWAYS AS (
        CASE WHEN ect_ineligible_for_funding_on IS NULL THEN CASE WHEN ect_eligible_for_funding_on IS NULL THEN NULL ELSE true END
             WHEN ect_eligible_for_funding_on IS NULL THEN false
             ELSE ect_eligible_for_funding_on <= ect_ineligible_for_funding_on END) STORED,
    mentor_eligible_for_funding    boolean GENERATED ALWAYS AS (
        CASE WHEN mentor_ineligible_for_funding_on IS NULL THEN CASE WHEN mentor_eligible_for_funding_on IS NULL THEN NULL ELSE true END
             WHEN mentor_eligible_for_funding_on IS NULL THEN false
             ELSE mentor_eligible_for_funding_on <= mentor_ineligible_for_funding_on END) STORED,
    ect_payments_frozen_year       integer,
    mentor_payments_frozen_year    integer,
    merged_into                    uuid,
    erased                         boolean NOT NULL DEFAULT false
);
CREATE INDEX teachers_trn ON teachers (trn);
-- text_pattern_ops serves both equality and prefix (LIKE 'smi%') searches on the lowered name.
CREATE INDEX teachers_name ON teachers (lower(name) text_pattern_ops);
