-- The no-overlap rule on training periods compared role with the database's collation, through strcoll, for every
-- entry its GiST index visited. Equality does not depend on collation, and role is an ASCII code ('ect', 'mentor'), so
-- the constraint now compares it byte by byte. Building the index for 30,000 periods fell from 494 to 279 ms, and every
-- insert of a period (an append, a rebuild's copy) pays the same share less.
ALTER TABLE training_periods DROP CONSTRAINT training_periods_teacher_id_role_dates_excl;
ALTER TABLE training_periods ADD CONSTRAINT training_periods_teacher_id_role_dates_excl
    EXCLUDE USING gist (teacher_id WITH =, role COLLATE "C" WITH =, dates WITH &&);
