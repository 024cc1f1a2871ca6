-- Registration needs it: an independent school may choose a national appropriate body.
ALTER TABLE schools ADD COLUMN independent boolean NOT NULL DEFAULT false;
