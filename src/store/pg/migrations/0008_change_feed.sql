-- 0008: what several server nodes on one database share (PostgreSQL only; a SQLite store
-- serves one node and needs none of it).
--
-- change_feed: one row per change another node's in-memory matching index must apply,
-- written in the same transaction as the change itself, with NOTIFY fc_change so
-- followers wake at once. Rows are appended under the audit chain's transaction-scoped
-- advisory lock, so seq order is commit order and a reader that has seen seq N has seen
-- every change before it. origin is the writing process's random node tag (a node skips
-- its own changes: it applied them when it wrote them).
CREATE TABLE change_feed (
    seq bigserial PRIMARY KEY,
    kind text NOT NULL CONSTRAINT kind CHECK (kind IN ('person', 'merge', 'unmerge')),
    person_id bigint NOT NULL,
    other_id bigint,
    origin bigint NOT NULL,
    at bigint NOT NULL
);
CREATE INDEX change_feed_at ON change_feed (at);
-- The highest seq purged: a reader whose cursor is below it has missed changes.
CREATE TABLE change_feed_purged (
    id integer PRIMARY KEY CONSTRAINT id CHECK (id = 1),
    through_seq bigint NOT NULL
);
INSERT INTO change_feed_purged (id, through_seq) VALUES (1, 0);

-- job_run: the last start of each scheduled job. A node claims a run by moving
-- last_started_at forward only when the interval has passed, while holding the job's
-- session advisory lock, so a job runs once per interval however many nodes serve.
CREATE TABLE job_run (
    name text PRIMARY KEY CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 64),
    last_started_at bigint NOT NULL,
    last_finished_at bigint,
    origin bigint NOT NULL
);

-- login_failure: failed sign-ins per account key (a BLAKE2b hash of the username, never
-- the name itself), so a lockout started on one node holds on every node.
CREATE TABLE login_failure (
    key_hash bytea PRIMARY KEY CONSTRAINT key_hash CHECK (length(key_hash) = 32),
    failures integer NOT NULL CONSTRAINT failures CHECK (failures >= 0),
    first_at bigint NOT NULL,
    last_at bigint NOT NULL
);
