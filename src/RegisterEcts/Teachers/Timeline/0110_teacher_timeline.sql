-- What support staff read instead of a versions table: one row per teacher event, in plain English.
-- Headings never hold a name: {teacher:<uuid>} tokens are replaced with the teacher's current name when read,
-- so erasing a teacher needs no rewrite of other teachers' rows.
CREATE TABLE teacher_timeline (
    teacher_id       uuid NOT NULL,
    sequence         bigint NOT NULL,
    stream_version   bigint NOT NULL,
    event_type       text NOT NULL,
    heading          text NOT NULL,
    happened_on      date,
    recorded_at      timestamptz NOT NULL,
    actor_type       text NOT NULL,
    actor_id         text,
    actor_name       text NOT NULL,
    reason           text,
    support_ticket   text,
    changes          text[] NOT NULL DEFAULT '{}',
    personal_changes text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (teacher_id, sequence)
);
CREATE INDEX teacher_timeline_newest ON teacher_timeline (teacher_id, recorded_at DESC, sequence DESC);

-- The projection's own memory, so a live append words an event exactly as a rebuild would: the names of
-- schools, lead providers, delivery partners and appropriate bodies as they were when the event was recorded,
-- and each teacher's history so far (which training a deferral ends, whose mentorship finished).
CREATE TABLE teacher_timeline_names (
    id   uuid PRIMARY KEY,
    name text NOT NULL,
    urn  integer
);
CREATE INDEX teacher_timeline_names_urn ON teacher_timeline_names (urn) WHERE urn IS NOT NULL;

CREATE TABLE teacher_timeline_teachers (
    teacher_id uuid PRIMARY KEY,
    state      jsonb NOT NULL
);
