-- As for the participants' documents (0142): sent and compared, never filtered on, so ANALYZE need not measure them.
ALTER TABLE lead_provider_partnerships ALTER COLUMN document SET STATISTICS 0, ALTER COLUMN hash SET STATISTICS 0;
