-- 0007: security and data protection, as sqlite/migrations/0007_security.sql:
-- break-the-glass grants, the "break_glass" audit action, TOTP replay protection and the
-- columns retention needs. PostgreSQL alters the CHECK in place; rows are untouched, so the
-- audit chain still verifies.

ALTER TABLE audit_event DROP CONSTRAINT action;
ALTER TABLE audit_event ADD CONSTRAINT action CHECK (action IN ('collect', 'alter', 'consult',
    'disclose', 'combine', 'erase', 'login', 'export', 'config', 'break_glass'));
CREATE INDEX audit_action_at ON audit_event (action, at);

CREATE TABLE break_glass (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES app_user (id),
    object_type text NOT NULL
        CONSTRAINT object_type CHECK (object_type IN ('person', 'incident', 'case')),
    object_id bigint NOT NULL CONSTRAINT object_id CHECK (object_id >= 1),
    reason text NOT NULL CONSTRAINT reason CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    granted_at bigint NOT NULL,
    expires_at bigint NOT NULL CONSTRAINT expires_at CHECK (expires_at > granted_at)
);
CREATE INDEX break_glass_lookup ON break_glass (user_id, object_type, object_id, expires_at);
CREATE INDEX break_glass_granted ON break_glass (granted_at);

CREATE FUNCTION fc_break_glass_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'break_glass is append-only';
END
$$;
CREATE TRIGGER break_glass_no_update BEFORE UPDATE ON break_glass
    FOR EACH ROW EXECUTE FUNCTION fc_break_glass_append_only();
CREATE TRIGGER break_glass_no_delete BEFORE DELETE ON break_glass
    FOR EACH ROW EXECUTE FUNCTION fc_break_glass_append_only();
CREATE TRIGGER break_glass_no_truncate BEFORE TRUNCATE ON break_glass
    FOR EACH STATEMENT EXECUTE FUNCTION fc_break_glass_append_only();

ALTER TABLE app_user ADD COLUMN mfa_last_step bigint;

ALTER TABLE person ADD COLUMN anonymised_at bigint;
ALTER TABLE contact ADD COLUMN anonymised_at bigint;
ALTER TABLE flag ADD COLUMN anonymised_at bigint;
ALTER TABLE incident ADD COLUMN anonymised_at bigint;

-- The match snapshot stays immutable except when retention anonymises the contact.
CREATE OR REPLACE FUNCTION fc_contact_snapshot_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.match_snapshot IS NOT NULL AND NEW.match_snapshot IS DISTINCT FROM OLD.match_snapshot
       AND NEW.anonymised_at IS NULL
    THEN
        RAISE EXCEPTION 'match_snapshot is immutable';
    END IF;
    RETURN NEW;
END
$$;
