-- The append gate becomes the lock every append already takes: ROW EXCLUSIVE on es_streams, which it writes
-- before anything else. A blue/green switch or a bulk import takes EXCLUSIVE on es_streams (see
-- PostgresEventStore.HoldAppendGateAsync): that waits for the appends in flight and holds new ones back at their
-- first write, while reads go on. The shared advisory lock it replaces (0002) was one more statement per append, and
-- one lock every writer queued for in the shared lock table; a relation lock in a weak mode takes the fast path.
DROP FUNCTION __schema__.es_append(uuid[], text[], bigint[], bigint[], int[], bigint[], uuid[], text[], jsonb[], jsonb[]);
ALTER FUNCTION __schema__.es_append_streams(uuid[], text[], bigint[], bigint[], int[], bigint[], uuid[], text[], jsonb[], jsonb[])
    RENAME TO es_append;

-- One event to one stream: the shape of most commands. Same guarantees as es_append (the stream's advisory lock
-- before anything is written, a conflict raised as ES002 before a sequence number is drawn), with less work: scalar
-- arguments instead of arrays, no RETURN QUERY tuple store, and the version check folded into the write of the
-- stream row instead of a separate SELECT.
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
    -- Taken before the transaction writes (and so before it has a transaction id): a later version of a stream
    -- always commits under a later transaction id, which the daemon's order relies on.
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
