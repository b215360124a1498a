-- 0001: the schema's starting point (mirrors sqlite/migrations/0001). The migrator itself
-- keeps schema_version (version, applied_at) beside these tables.
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO meta (key, value) VALUES ('created_by', 'firstcontact');
