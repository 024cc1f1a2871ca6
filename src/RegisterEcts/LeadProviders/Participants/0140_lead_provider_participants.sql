-- One row per lead provider and participant: the exact v3 document that provider sees, its hash, and the
-- time it last changed for that provider. api_updated_at moves when, and only when, the hash changes.
CREATE TABLE lead_provider_participants (
    lead_provider_id  uuid NOT NULL,
    teacher_id        uuid NOT NULL,
    document          jsonb NOT NULL,
    hash              bytea NOT NULL,
    api_updated_at    timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    -- The next day on which the calendar alone could change the document (a period starting or ending):
    -- the daily roll-over recomputes only the rows due.
    next_change_on    date,
    cohorts           integer[] NOT NULL,
    training_statuses text[] NOT NULL,
    -- What other streams' changes reach this document through (a school's URN, a partnership's delivery partner).
    school_ids        uuid[] NOT NULL,
    partnership_ids   uuid[] NOT NULL,
    PRIMARY KEY (lead_provider_id, teacher_id)
);
CREATE INDEX lead_provider_participants_updated ON lead_provider_participants (lead_provider_id, api_updated_at, teacher_id);
CREATE INDEX lead_provider_participants_created ON lead_provider_participants (lead_provider_id, created_at, teacher_id);
CREATE INDEX lead_provider_participants_teacher ON lead_provider_participants (teacher_id);
CREATE INDEX lead_provider_participants_due ON lead_provider_participants (next_change_on) WHERE next_change_on IS NOT NULL;
CREATE INDEX lead_provider_participants_schools ON lead_provider_participants USING gin (school_ids);
CREATE INDEX lead_provider_participants_partnerships ON lead_provider_participants USING gin (partnership_ids);

-- The days rolled over, as the projection saw them: its notion of "today" for documents that depend on the date.
CREATE TABLE calendar_days (
    day        date PRIMARY KEY,
    started_at timestamptz NOT NULL
);

-- Each provider's v3 participant-transfer document for a teacher (rect-api-v3.md §3.7), kept like the above.
CREATE TABLE lead_provider_transfers (
    lead_provider_id uuid NOT NULL,
    teacher_id       uuid NOT NULL,
    document         jsonb NOT NULL,
    hash             bytea NOT NULL,
    api_updated_at   timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    next_change_on   date,
    school_ids       uuid[] NOT NULL,
    PRIMARY KEY (lead_provider_id, teacher_id)
);
CREATE INDEX lead_provider_transfers_updated ON lead_provider_transfers (lead_provider_id, api_updated_at, teacher_id);
CREATE INDEX lead_provider_transfers_created ON lead_provider_transfers (lead_provider_id, created_at, teacher_id);
CREATE INDEX lead_provider_transfers_teacher ON lead_provider_transfers (teacher_id);
CREATE INDEX lead_provider_transfers_due ON lead_provider_transfers (next_change_on) WHERE next_change_on IS NOT NULL;
CREATE INDEX lead_provider_transfers_schools ON lead_provider_transfers USING gin (school_ids);

-- Lead provider names as the reference data said them, for the documents that show them.
CREATE TABLE lead_provider_names (
    lead_provider_id uuid PRIMARY KEY,
    name             text NOT NULL
);

-- Who mentors each provider's ECTs: (provider, mentee) → the current or next mentor, from the mentee's document.
CREATE TABLE lead_provider_mentor_links (
    lead_provider_id uuid NOT NULL,
    mentee_id        uuid NOT NULL,
    mentor_id        uuid NOT NULL,
    mentor_period_id integer NOT NULL,
    started_on       date NOT NULL,
    PRIMARY KEY (lead_provider_id, mentee_id)
);
CREATE INDEX lead_provider_mentor_links_mentor ON lead_provider_mentor_links (mentor_id);
CREATE INDEX lead_provider_mentor_links_mentee ON lead_provider_mentor_links (mentee_id);

-- Each provider's v3 unfunded-mentor documents (rect-api-v3.md §3.8): mentors of its ECTs it does not train.
CREATE TABLE lead_provider_unfunded_mentors (
    lead_provider_id uuid NOT NULL,
    teacher_id       uuid NOT NULL,
    document         jsonb NOT NULL,
    hash             bytea NOT NULL,
    api_updated_at   timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    next_change_on   date,
    school_ids       uuid[] NOT NULL,
    PRIMARY KEY (lead_provider_id, teacher_id)
);
CREATE INDEX lead_provider_unfunded_mentors_updated ON lead_provider_unfunded_mentors (lead_provider_id, api_updated_at, teacher_id);
CREATE INDEX lead_provider_unfunded_mentors_created ON lead_provider_unfunded_mentors (lead_provider_id, created_at, teacher_id);
CREATE INDEX lead_provider_unfunded_mentors_teacher ON lead_provider_unfunded_mentors (teacher_id);
