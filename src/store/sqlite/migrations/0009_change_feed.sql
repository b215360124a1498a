-- 0009: the change feed on SQLite. One server serves a SQLite store, but other processes
-- write to it too: the command line (retention run, partner flag import, merges) and a
-- second server during a hand-over. Person writes append a row here in their own
-- transaction; the server follows the rows other processes wrote, as PostgreSQL nodes
-- follow one another (PostgreSQL migration 0008). SQLite commits one writer at a time, so
-- seq order is commit order. origin is the writing store handle's random tag.
CREATE TABLE change_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('person', 'merge', 'unmerge')),
    person_id INTEGER NOT NULL,
    other_id INTEGER,
    origin INTEGER NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX change_feed_at ON change_feed (at);
-- The highest seq purged: a reader whose cursor is below it has missed changes.
CREATE TABLE change_feed_purged (
    id INTEGER PRIMARY KEY CONSTRAINT id CHECK (id = 1),
    through_seq INTEGER NOT NULL
) STRICT;
INSERT INTO change_feed_purged (id, through_seq) VALUES (1, 0);
