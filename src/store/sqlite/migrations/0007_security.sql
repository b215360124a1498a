-- 0007: security and data protection (issue 8): break-the-glass grants, the "break_glass"
-- audit action, TOTP replay protection, and the columns retention needs to anonymise
-- persons, contacts, flags and incidents while keeping their rows for statistics.

-- The audit trail gains the action "break_glass". SQLite cannot alter a CHECK, so the
-- table is rebuilt with every row, hash and seq unchanged (the chain still verifies), and
-- its indexes and append-only triggers are made again. DROP TABLE fires no DELETE trigger.
CREATE TABLE audit_event_0007 (
    seq INTEGER PRIMARY KEY CONSTRAINT seq CHECK (seq >= 1),
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL CONSTRAINT action CHECK (action IN ('collect', 'alter', 'consult',
        'disclose', 'combine', 'erase', 'login', 'export', 'config', 'break_glass')),
    object_type TEXT NOT NULL CONSTRAINT object_type CHECK (length(object_type) BETWEEN 1 AND 32),
    object_id INTEGER,
    purpose TEXT,
    detail TEXT,
    prev_hash BLOB NOT NULL CONSTRAINT prev_hash CHECK (length(prev_hash) = 32),
    hash BLOB NOT NULL CONSTRAINT hash CHECK (length(hash) = 32)
) STRICT;
INSERT INTO audit_event_0007 (seq, at, actor_user_id, action, object_type, object_id, purpose,
                              detail, prev_hash, hash)
    SELECT seq, at, actor_user_id, action, object_type, object_id, purpose, detail, prev_hash,
           hash FROM audit_event ORDER BY seq;
DROP TABLE audit_event;
ALTER TABLE audit_event_0007 RENAME TO audit_event;
CREATE INDEX audit_object ON audit_event (object_type, object_id);
CREATE INDEX audit_actor ON audit_event (actor_user_id, at);
CREATE INDEX audit_action_at ON audit_event (action, at);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;

-- Break the glass: a supervisor's time-limited override of a sharing refusal on one record,
-- with the stated reason. Rows are never changed or deleted.
CREATE TABLE break_glass (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    object_type TEXT NOT NULL
        CONSTRAINT object_type CHECK (object_type IN ('person', 'incident', 'case')),
    object_id INTEGER NOT NULL CONSTRAINT object_id CHECK (object_id >= 1),
    reason TEXT NOT NULL CONSTRAINT reason CHECK (length(trim(reason)) BETWEEN 1 AND 500),
    granted_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL CONSTRAINT expires_at CHECK (expires_at > granted_at)
) STRICT;
CREATE INDEX break_glass_lookup ON break_glass (user_id, object_type, object_id, expires_at);
CREATE INDEX break_glass_granted ON break_glass (granted_at);
CREATE TRIGGER break_glass_no_update BEFORE UPDATE ON break_glass
BEGIN
    SELECT RAISE(ABORT, 'break_glass is append-only');
END;
CREATE TRIGGER break_glass_no_delete BEFORE DELETE ON break_glass
BEGIN
    SELECT RAISE(ABORT, 'break_glass is append-only');
END;

-- TOTP: the last time step accepted for the user; a code of that step or older is refused
-- (RFC 6238 section 5.2: a code is good once).
ALTER TABLE app_user ADD COLUMN mfa_last_step INTEGER;

-- Retention: when a row's personal data was removed. The rows stay for the statistics.
ALTER TABLE person ADD COLUMN anonymised_at INTEGER;
ALTER TABLE contact ADD COLUMN anonymised_at INTEGER;
ALTER TABLE flag ADD COLUMN anonymised_at INTEGER;
ALTER TABLE incident ADD COLUMN anonymised_at INTEGER;

-- The match snapshot stays immutable except when retention anonymises the contact.
DROP TRIGGER contact_snapshot_immutable;
CREATE TRIGGER contact_snapshot_immutable BEFORE UPDATE OF match_snapshot ON contact
WHEN OLD.match_snapshot IS NOT NULL AND NEW.match_snapshot IS NOT OLD.match_snapshot
     AND NEW.anonymised_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'match_snapshot is immutable');
END;
