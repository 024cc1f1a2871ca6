-- Every append holds a shared "append gate" for its transaction; a blue/green rebuild takes it exclusively
-- for the moment it switches tables, which waits for appends in flight and holds new ones back (under a
-- second), so no event can commit between the rebuild's last read and the switch.
-- The gate is per schema (several stores may share a database) and uses the two-key advisory lock space,
-- apart from the one-key stream locks.
ALTER FUNCTION __schema__.es_append(uuid[], text[], bigint[], bigint[], int[], bigint[], uuid[], text[], jsonb[], jsonb[])
    RENAME TO es_append_streams;

CREATE FUNCTION __schema__.es_append(
    p_stream_ids    uuid[],
    p_stream_types  text[],
    p_expected      bigint[],
    p_counts        bigint[],
    p_event_stream  int[],
    p_event_offset  bigint[],
    p_event_ids     uuid[],
    p_event_types   text[],
    p_data          jsonb[],
    p_metadata      jsonb[]
) RETURNS TABLE (stream_id uuid, version bigint, seq bigint, recorded_at timestamptz)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtext('__schema__'), 1);
    RETURN QUERY SELECT * FROM __schema__.es_append_streams(
        p_stream_ids, p_stream_types, p_expected, p_counts, p_event_stream, p_event_offset, p_event_ids, p_event_types, p_data, p_metadata);
END;
$$;
