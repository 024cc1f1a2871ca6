-- The event store. Every object carries the es_ prefix; the schema comes from the connection's search_path.

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
    stream_id    uuid        NOT NULL REFERENCES es_streams (id),
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
-- Stream locks are advisory locks taken in key order, before the transaction writes anything, so:
--   * a conflict is reported before any sequence number is drawn (no holes from losers);
--   * within a stream, a later version always has a later transaction id, which lets the daemon
--     order by (tx_id, seq) without ever reordering a stream.
-- Returns one row per conflicting stream (kind 'conflict', nothing written), or one row per event.
CREATE FUNCTION es_append(
    p_stream_ids    uuid[],
    p_stream_types  text[],
    p_expected      bigint[],
    p_event_stream  int[],
    p_event_ids     uuid[],
    p_event_types   text[],
    p_data          jsonb[],
    p_metadata      jsonb[]
) RETURNS TABLE (kind text, stream_id uuid, version bigint, seq bigint, recorded_at timestamptz)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    v_key      bigint;
    v_current  bigint[] := '{}';
    v_actual   bigint;
    v_conflict boolean := false;
    v_count    bigint;
    i          int;
BEGIN
    FOR v_key IN
        SELECT DISTINCT hashtextextended(s::text, 7919) AS k FROM unnest(p_stream_ids) AS s ORDER BY k
    LOOP
        PERFORM pg_advisory_xact_lock(v_key);
    END LOOP;

    FOR i IN 1 .. array_length(p_stream_ids, 1) LOOP
        SELECT s.version INTO v_actual FROM es_streams s WHERE s.id = p_stream_ids[i];
        v_actual := coalesce(v_actual, 0);
        v_current := v_current || v_actual;
        IF p_expected[i] >= 0 AND v_actual <> p_expected[i] THEN
            v_conflict := true;
            kind := 'conflict'; stream_id := p_stream_ids[i]; version := v_actual; seq := NULL; recorded_at := now();
            RETURN NEXT;
        END IF;
    END LOOP;
    IF v_conflict THEN
        RETURN;
    END IF;

    FOR i IN 1 .. array_length(p_stream_ids, 1) LOOP
        SELECT count(*) INTO v_count FROM unnest(p_event_stream) AS es(si) WHERE es.si = i;
        INSERT INTO es_streams AS st (id, type, version)
        VALUES (p_stream_ids[i], p_stream_types[i], v_current[i] + v_count)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = now();
    END LOOP;

    RETURN QUERY
    INSERT INTO es_events AS ev (seq, id, stream_id, version, type, data, metadata)
    SELECT nextval('es_events_seq'), o.id, p_stream_ids[o.si], o.version, o.type, o.data, o.meta
    FROM (
        SELECT e.si, e.id, e.type, e.data, e.meta,
               v_current[e.si] + row_number() OVER (PARTITION BY e.si ORDER BY e.ord) AS version
        FROM unnest(p_event_stream, p_event_ids, p_event_types, p_data, p_metadata)
             WITH ORDINALITY AS e(si, id, type, data, meta, ord)
        ORDER BY e.ord
    ) AS o
    RETURNING 'event'::text, ev.stream_id, ev.version, ev.seq, ev.recorded_at;
END;
$$;

-- Moves a projection's checkpoint in the same transaction as its writes, only from where the caller
-- read it; anything else means another runner got there first, and the whole batch rolls back.
CREATE FUNCTION es_advance_progress(p_name text, p_from_tx xid8, p_from_seq bigint, p_to_tx xid8, p_to_seq bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    UPDATE es_projection_progress
       SET last_tx = p_to_tx, last_seq = p_to_seq, updated_at = now()
     WHERE name = p_name AND last_tx = p_from_tx AND last_seq = p_from_seq AND status = 'running';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'ES001', MESSAGE = 'projection progress moved: ' || p_name;
    END IF;
END;
$$;
