-- One event to one stream: the shape of most commands. Same guarantees as es_append (the append gate held
-- shared, the stream's advisory lock before anything is written, a conflict raised as ES002 before a sequence
-- number is drawn), with less work: scalar arguments instead of arrays, no nested call and no RETURN QUERY
-- tuple stores, and the version check folded into the write of the stream row instead of a separate SELECT.
-- The stream lock is still taken although the row lock of the UPDATE would order two single-stream appends:
-- es_append reads a version and writes it back under that advisory lock alone, so every writer must take it.
CREATE FUNCTION __schema__.es_append_one(
    p_stream_id    uuid,
    p_stream_type  text,
    p_expected     bigint,
    p_event_id     uuid,
    p_event_type   text,
    p_data         jsonb,
    p_metadata     jsonb,
    OUT o_version      bigint,
    OUT o_seq          bigint,
    OUT o_recorded_at  timestamptz)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtext('__schema__'), 1);
    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id::text, 7919));

    IF p_expected > 0 THEN
        UPDATE __schema__.es_streams s SET version = p_expected + 1, updated_at = now()
         WHERE s.id = p_stream_id AND s.version = p_expected
        RETURNING s.version INTO o_version;
    ELSIF p_expected = 0 THEN
        INSERT INTO __schema__.es_streams AS s (id, type, version) VALUES (p_stream_id, p_stream_type, 1)
        ON CONFLICT (id) DO NOTHING
        RETURNING s.version INTO o_version;
    ELSE
        INSERT INTO __schema__.es_streams AS s (id, type, version) VALUES (p_stream_id, p_stream_type, 1)
        ON CONFLICT (id) DO UPDATE SET version = s.version + 1, updated_at = now()
        RETURNING s.version INTO o_version;
    END IF;
    IF NOT FOUND THEN
        -- Raised, not returned: a pipelined caller has already queued its projection writes behind this call.
        RAISE EXCEPTION USING ERRCODE = 'ES002', MESSAGE = 'stream is not at the expected version';
    END IF;

    INSERT INTO __schema__.es_events AS ev (seq, id, stream_id, version, type, data, metadata)
    VALUES (nextval('__schema__.es_events_seq'), p_event_id, p_stream_id, o_version, p_event_type, p_data, p_metadata)
    RETURNING ev.seq, ev.recorded_at INTO o_seq, o_recorded_at;
END;
$$;
