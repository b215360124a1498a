-- 0006: Open311 GeoReport v2 (issue 9), as sqlite/migrations/0006_open311.sql. Times are
-- bigint UTC seconds. CHECK constraints are named after their column.

-- A posting client's API key, issued to one organisation. Only the BLAKE2b-256 hash of
-- the random key is kept; the key itself is shown once, when it is issued.
CREATE TABLE open311_key (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisation (id),
    label text NOT NULL CONSTRAINT label CHECK (length(label) BETWEEN 1 AND 200),
    key_hash bytea NOT NULL UNIQUE CONSTRAINT key_hash CHECK (length(key_hash) = 32),
    created_at bigint NOT NULL,
    revoked_at bigint
);
CREATE INDEX open311_key_org ON open311_key (org_id);

-- A posted report: the service request clients know by its id, and the contact and
-- incident it became through the intake path. Status and updates are read from the
-- incident and its victim updates, never copied here.
CREATE TABLE open311_request (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisation (id),
    key_id bigint NOT NULL REFERENCES open311_key (id),
    service_code text NOT NULL CONSTRAINT service_code CHECK (length(service_code) BETWEEN 1 AND 64),
    contact_id bigint NOT NULL UNIQUE REFERENCES contact (id),
    incident_id bigint NOT NULL REFERENCES incident (id),
    address text,
    address_id text,
    postcode text,
    lat double precision CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon double precision CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    media_url text,
    attributes text NOT NULL DEFAULT '{}'
        CONSTRAINT attributes CHECK (attributes::jsonb IS NOT NULL),
    requested_at bigint NOT NULL
);
CREATE INDEX open311_request_requested ON open311_request (requested_at);
CREATE INDEX open311_request_org ON open311_request (org_id, requested_at);
CREATE INDEX open311_request_incident ON open311_request (incident_id);
