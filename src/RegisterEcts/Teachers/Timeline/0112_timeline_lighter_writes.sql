-- The timeline is read one teacher at a time, a few dozen rows at most: the primary key (teacher_id, sequence) finds them
-- and sorting them newest first costs nothing, so this second index only made every event's row cost two index entries.
DROP INDEX teacher_timeline_newest;

-- The folded state is the projection's own memory: written whole on every teacher event, read back whole by the next one,
-- never queried inside. json keeps the text as written, where jsonb parsed it into its binary form on every write and
-- printed it again on every read (a 1.8 KB document per teacher event).
ALTER TABLE teacher_timeline_teachers ALTER COLUMN state TYPE json USING state::json;
