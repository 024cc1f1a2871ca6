-- Period tables use exclusion constraints over (uuid, daterange). The lock serialises schemas that
-- migrate at the same time, since CREATE EXTENSION IF NOT EXISTS can race with itself.
SELECT pg_advisory_xact_lock(hashtextextended('rects-btree_gist', 0));
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

-- One teacher per TRN: a second new registration of the same TRN fails on the primary key and
-- rolls back its whole append.
CREATE TABLE teacher_trns (
    trn        text PRIMARY KEY,
    teacher_id uuid NOT NULL UNIQUE,
    name       text NOT NULL
);
