-- 0006: Open311 GeoReport v2 (issue 9). Times are INTEGER UTC seconds. CHECK constraints
-- are named after their column.

-- A posting client's API key, issued to one organisation. Only the BLAKE2b-256 hash of
-- the random key is kept; the key itself is shown once, when it is issued.
CREATE TABLE open311_key (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    label TEXT NOT NULL CONSTRAINT label CHECK (length(label) BETWEEN 1 AND 200),
    key_hash BLOB NOT NULL UNIQUE CONSTRAINT key_hash CHECK (length(key_hash) = 32),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX open311_key_org ON open311_key (org_id);

-- A posted report: the service request clients know by its id, and the contact and
-- incident it became through the intake path. Status and updates are read from the
-- incident and its victim updates, never copied here.
CREATE TABLE open311_request (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    key_id INTEGER NOT NULL REFERENCES open311_key (id),
    service_code TEXT NOT NULL CONSTRAINT service_code CHECK (length(service_code) BETWEEN 1 AND 64),
    contact_id INTEGER NOT NULL UNIQUE REFERENCES contact (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    address TEXT,
    address_id TEXT,
    postcode TEXT,
    lat REAL CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon REAL CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    media_url TEXT,
    attributes TEXT NOT NULL DEFAULT '{}' CONSTRAINT attributes CHECK (json_valid(attributes)),
    requested_at INTEGER NOT NULL
) STRICT;
CREATE INDEX open311_request_requested ON open311_request (requested_at);
CREATE INDEX open311_request_org ON open311_request (org_id, requested_at);
CREATE INDEX open311_request_incident ON open311_request (incident_id);
