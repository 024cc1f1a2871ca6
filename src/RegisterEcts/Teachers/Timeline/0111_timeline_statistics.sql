-- No query filters, joins or sorts on the wording, the changes or the folded state: their statistics only made every
-- ANALYZE read and measure them (a rebuild analyses the tables it wrote before it returns; autovacuum does the same).
-- Measured on 20,000 careers: analysing the timeline's tables fell from 325 to 198 ms.
ALTER TABLE teacher_timeline
    ALTER COLUMN heading SET STATISTICS 0,
    ALTER COLUMN changes SET STATISTICS 0,
    ALTER COLUMN personal_changes SET STATISTICS 0,
    ALTER COLUMN actor_name SET STATISTICS 0,
    ALTER COLUMN reason SET STATISTICS 0,
    ALTER COLUMN support_ticket SET STATISTICS 0;
ALTER TABLE teacher_timeline_teachers ALTER COLUMN state SET STATISTICS 0;
