-- 0001: the schema's starting point. Later migrations add the domain tables.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
INSERT INTO meta (key, value) VALUES ('created_by', 'firstcontact');
