-- dates are inclusive ranges ('[]' on insert); an unbounded upper end is an open period.
-- The exclusion constraints are the period rules themselves: an ECT is at one school at a time;
-- a mentor may be at several schools, but never twice at the same school at once.
CREATE TABLE ect_at_school_periods (
    teacher_id          uuid NOT NULL,
    period_id           integer NOT NULL,
    school_id           uuid NOT NULL,
    dates               daterange NOT NULL,
    email               text,
    working_pattern     text NOT NULL,
    appropriate_body_id uuid NOT NULL,
    training_programme  text,
    lead_provider_id    uuid,
    mentor_id           uuid,
    PRIMARY KEY (teacher_id, period_id),
    EXCLUDE USING gist (teacher_id WITH =, dates WITH &&)
);
CREATE INDEX ect_at_school_periods_school ON ect_at_school_periods (school_id);

CREATE TABLE mentor_at_school_periods (
    teacher_id        uuid NOT NULL,
    period_id         integer NOT NULL,
    school_id         uuid NOT NULL,
    dates             daterange NOT NULL,
    email             text,
    lead_provider_id  uuid,
    PRIMARY KEY (teacher_id, period_id),
    EXCLUDE USING gist (teacher_id WITH =, school_id WITH =, dates WITH &&)
);
CREATE INDEX mentor_at_school_periods_school ON mentor_at_school_periods (school_id);
