-- The event store. Every object carries the es_ prefix. Tables are created in the schema the migrator
-- sets as search_path; functions name it explicitly (__schema__ is replaced by the migrator).

CREATE TABLE es_streams (
    id          uuid        PRIMARY KEY,
    type        text        NOT NULL,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE es_events_seq AS bigint;

CREATE TABLE es_events (
    seq          bigint      PRIMARY KEY,
    id           uuid        NOT NULL,
    -- No foreign key to es_streams: es_append writes the stream row first in the same transaction, and
    -- the check cost every insert a lookup and a row lock on the hottest row of the append.
    stream_id    uuid        NOT NULL,
    version      bigint      NOT NULL,
    type         text        NOT NULL,
    data         jsonb       NOT NULL,
    metadata     jsonb       NOT NULL,
    -- When the service learned it: the database clock, never the application's.
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    -- The writing transaction. The daemon reads only below the oldest running transaction,
    -- so a slow or rolled-back writer can delay it but never make it skip an event.
    tx_id        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    -- Backstop only: conflicts are detected under the stream lock before this can fire.
    CONSTRAINT es_events_stream_version UNIQUE (stream_id, version)
);

CREATE INDEX es_events_tx_seq ON es_events (tx_id, seq);

-- Per-subject keys for personal data (crypto-shredding). Erasure nulls the key and keeps the row,
-- so a later write cannot quietly mint a fresh key for an erased subject.
CREATE TABLE es_personal_keys (
    subject_id  uuid        PRIMARY KEY,
    key         bytea,
    created_at  timestamptz NOT NULL DEFAULT now(),
    erased_at   timestamptz
);

CREATE TABLE es_projection_progress (
    name        text        PRIMARY KEY,
    version     int         NOT NULL DEFAULT 1,
    last_tx     xid8        NOT NULL DEFAULT '0',
    last_seq    bigint      NOT NULL DEFAULT 0,
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused')),
    error       text,
    error_seq   bigint,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Appends events to one or more streams atomically.
-- Expected versions: -1 any, 0 the stream must not exist, n the stream must be at exactly n.
-- p_event_stream says which stream (1-based) each event belongs to; p_event_offset its place (1..k) among
-- that stream's events in this append.
-- Stream locks are advisory locks taken in key order, before the transaction writes anything, so:
--   * a conflict is reported before any sequence number is drawn (no holes from losers);
--   * within a stream, a later version always has a later transaction id, which lets the daemon
--     order by (tx_id, seq) without ever reordering a stream.
-- Raises ES002 when a stream is not at its expected version (nothing written); returns one row per event.
-- Tables are schema-qualified rather than bound with SET search_path: a SET clause on a function
-- makes every call replan its statements, which tripled the cost of an append.
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
#variable_conflict use_column
DECLARE
    v_streams  int := array_length(p_stream_ids, 1);
    v_key      bigint;
    v_current  bigint[] := '{}';
    v_actual   bigint;
    i          int;
BEGIN
    IF v_streams = 1 THEN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_ids[1]::text, 7919));
    ELSE
        FOR v_key IN
            SELECT DISTINCT hashtextextended(s::text, 7919) AS k FROM unnest(p_stream_ids) AS s ORDER BY k
        LOOP
            PERFORM pg_advisory_xact_lock(v_key);
        END LOOP;
    END IF;

    FOR i IN 1 .. v_streams LOOP
        SELECT s.version INTO v_actual FROM __schema__.es_streams s WHERE s.id = p_stream_ids[i];
        v_actual := coalesce(v_actual, 0);
        IF p_expected[i] >= 0 AND v_actual <> p_expected[i] THEN
            -- Raised, not returned: a pipelined caller has already queued its projection writes and
            -- COMMIT behind this call, and an error is what stops them. The caller reads the versions back.
            RAISE EXCEPTION USING ERRCODE = 'ES002', MESSAGE = 'stream is not at the expected version';
        END IF;
        v_current := v_current || v_actual;
    END LOOP;

    FOR i IN 1 .. v_streams LOOP
        IF v_current[i] = 0 THEN
            INSERT INTO __schema__.es_streams (id, type, version) VALUES (p_stream_ids[i], p_stream_types[i], p_counts[i]);
        ELSE
            UPDATE __schema__.es_streams s SET version = v_current[i] + p_counts[i], updated_at = now() WHERE s.id = p_stream_ids[i];
        END IF;
    END LOOP;

    -- unnest yields rows in array order, so sequence numbers follow the order the events were given.
    RETURN QUERY
    INSERT INTO __schema__.es_events AS ev (seq, id, stream_id, version, type, data, metadata)
    SELECT nextval('__schema__.es_events_seq'), e.id, p_stream_ids[e.si], v_current[e.si] + e.off, e.type, e.data, e.meta
    FROM unnest(p_event_stream, p_event_offset, p_event_ids, p_event_types, p_data, p_metadata) AS e(si, off, id, type, data, meta)
    RETURNING ev.stream_id, ev.version, ev.seq, ev.recorded_at;
END;
$$;

-- Moves a projection's checkpoint in the same transaction as its writes, only from where the caller
-- read it; anything else means another runner got there first, and the whole batch rolls back.
CREATE FUNCTION __schema__.es_advance_progress(p_name text, p_from_tx xid8, p_from_seq bigint, p_to_tx xid8, p_to_seq bigint)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE __schema__.es_projection_progress
       SET last_tx = p_to_tx, last_seq = p_to_seq, updated_at = now()
     WHERE name = p_name AND last_tx = p_from_tx AND last_seq = p_from_seq AND status = 'running';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'ES001', MESSAGE = 'projection progress moved: ' || p_name;
    END IF;
END;
$$;
