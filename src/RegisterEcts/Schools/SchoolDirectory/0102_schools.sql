CREATE TABLE schools (
    school_id     uuid PRIMARY KEY,
    urn           integer NOT NULL UNIQUE,
    name          text NOT NULL,
    status        text NOT NULL,
    eligible      boolean NOT NULL,
    previous_urns integer[] NOT NULL DEFAULT '{}',
    closed_on     date
);
CREATE INDEX schools_previous_urns ON schools USING gin (previous_urns);
