-- 0002: the core domain, as sqlite/migrations/0002_core.sql: organisations, users,
-- sessions, persons and their identifier rows, contacts, incidents, flags and the audit
-- trail. Times are bigint UTC seconds. CHECK constraints are named after their column, so
-- the backend reports a violation against that column. Ids come from each table's sequence
-- unless a caller gives one (imports keep theirs).

CREATE TABLE organisation (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CONSTRAINT kind CHECK (kind IN ('force', 'district_council',
        'city_council', 'county_council', 'unitary', 'housing_provider', 'health', 'other')),
    name text NOT NULL CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 200),
    open311_jurisdiction text,
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX organisation_name ON organisation (name);

CREATE TABLE app_user (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisation (id),
    username text NOT NULL CONSTRAINT username CHECK (length(username) BETWEEN 1 AND 64),
    display_name text,
    role text NOT NULL CONSTRAINT role CHECK (role IN ('call_handler', 'officer',
        'supervisor', 'partner_officer', 'analyst', 'admin')),
    team text,
    password_hash text,
    mfa_secret text,
    is_disabled integer NOT NULL DEFAULT 0 CONSTRAINT is_disabled CHECK (is_disabled IN (0, 1)),
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX app_user_username ON app_user (username);
CREATE INDEX app_user_org ON app_user (org_id);

CREATE TABLE session (
    token_hash bytea PRIMARY KEY CONSTRAINT token_hash CHECK (length(token_hash) = 32),
    user_id bigint NOT NULL REFERENCES app_user (id),
    csrf text NOT NULL,
    created_at bigint NOT NULL,
    last_seen_at bigint NOT NULL,
    expires_at bigint NOT NULL CONSTRAINT expires_at CHECK (expires_at >= created_at)
);
CREATE INDEX session_by_user ON session (user_id);
CREATE INDEX session_expires ON session (expires_at);

CREATE TABLE person (
    id bigserial PRIMARY KEY,
    created_at bigint NOT NULL,
    merged_into bigint REFERENCES person (id)
        CONSTRAINT merged_into CHECK (merged_into IS NULL OR merged_into <> id)
);
CREATE INDEX person_merged_into ON person (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE person_name (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    raw text,
    forename text,
    middles text,
    surname text,
    keys text,
    source text NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id bigint,
    recorded_at bigint NOT NULL,
    CONSTRAINT name CHECK (coalesce(raw, forename, surname) IS NOT NULL)
);
CREATE INDEX person_name_person ON person_name (person_id);
CREATE INDEX person_name_surname ON person_name (lower(surname));

-- a real calendar date at full precision; lower precision zeroes the unknown parts
CREATE FUNCTION fc_dob_ok(d text, prec text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF d !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        RETURN false;
    END IF;
    IF prec = 'full' THEN
        RETURN to_char(to_date(d, 'YYYY-MM-DD'), 'YYYY-MM-DD') = d;
    ELSIF prec = 'year_month' THEN
        RETURN substr(d, 9) = '00' AND substr(d, 6, 2) BETWEEN '01' AND '12';
    ELSIF prec = 'year' THEN
        RETURN substr(d, 6) = '00-00';
    END IF;
    RETURN false;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

CREATE TABLE person_dob (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    raw text,
    date text NOT NULL,
    precision text NOT NULL CONSTRAINT precision CHECK (precision IN ('full', 'year_month', 'year')),
    is_placeholder integer NOT NULL DEFAULT 0
        CONSTRAINT is_placeholder CHECK (is_placeholder IN (0, 1)),
    source text NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id bigint,
    recorded_at bigint NOT NULL,
    CONSTRAINT date CHECK (fc_dob_ok(date, precision))
);
CREATE INDEX person_dob_person ON person_dob (person_id);
CREATE INDEX person_dob_date ON person_dob (date);

CREATE TABLE person_phone (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    raw text,
    e164 text CONSTRAINT e164 CHECK (e164 IS NULL OR e164 ~ '^\+[1-9]'),
    kind text NOT NULL DEFAULT 'unknown'
        CONSTRAINT kind CHECK (kind IN ('mobile', 'landline', 'unknown')),
    source text NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id bigint,
    recorded_at bigint NOT NULL,
    CONSTRAINT phone CHECK (coalesce(raw, e164) IS NOT NULL)
);
CREATE INDEX person_phone_person ON person_phone (person_id);
CREATE INDEX person_phone_e164 ON person_phone (e164) WHERE e164 IS NOT NULL;

CREATE TABLE person_email (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    raw text,
    norm text,
    source text NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id bigint,
    recorded_at bigint NOT NULL,
    CONSTRAINT email CHECK (coalesce(raw, norm) IS NOT NULL)
);
CREATE INDEX person_email_person ON person_email (person_id);
CREATE INDEX person_email_norm ON person_email (norm) WHERE norm IS NOT NULL;

CREATE TABLE person_address (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    raw text,
    flat text,
    number text,
    building text,
    street text,
    town text,
    postcode text,
    uprn text CONSTRAINT uprn CHECK (uprn IS NULL OR uprn ~ '^[0-9]{1,12}$'),
    lat double precision CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon double precision CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    keys text,
    valid_from bigint,
    valid_to bigint,
    source text NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id bigint,
    recorded_at bigint NOT NULL,
    CONSTRAINT address CHECK (coalesce(raw, street, postcode, uprn) IS NOT NULL),
    CONSTRAINT valid_to CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX person_address_person ON person_address (person_id);
CREATE INDEX person_address_postcode ON person_address (postcode) WHERE postcode IS NOT NULL;
CREATE INDEX person_address_uprn ON person_address (uprn) WHERE uprn IS NOT NULL;

CREATE TABLE incident (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisation (id),
    category text NOT NULL
        CONSTRAINT category CHECK (category IN ('personal', 'nuisance', 'environmental')),
    incident_type text NOT NULL
        CONSTRAINT incident_type CHECK (length(incident_type) BETWEEN 1 AND 64),
    description text,
    location_raw text,
    location_postcode text,
    location_key text,
    lsoa_code text,
    lat double precision CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon double precision CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    status text NOT NULL CONSTRAINT status CHECK (status IN ('open', 'closed')),
    grade text CONSTRAINT grade CHECK (grade IS NULL OR grade IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    risk_level text CONSTRAINT risk_level CHECK (risk_level IS NULL OR risk_level IN
        ('standard', 'medium', 'high')),
    is_police_only integer NOT NULL DEFAULT 0
        CONSTRAINT is_police_only CHECK (is_police_only IN (0, 1)),
    occurred_at bigint,
    created_at bigint NOT NULL,
    closed_at bigint,
    closure_code text,
    outcome text,
    CONSTRAINT closed_at CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX incident_org_created ON incident (org_id, created_at);
CREATE INDEX incident_created ON incident (created_at);
CREATE INDEX incident_status ON incident (status, created_at);
CREATE INDEX incident_location_key ON incident (location_key) WHERE location_key IS NOT NULL;
CREATE INDEX incident_lsoa ON incident (lsoa_code) WHERE lsoa_code IS NOT NULL;

CREATE TABLE incident_person (
    incident_id bigint NOT NULL REFERENCES incident (id),
    person_id bigint NOT NULL REFERENCES person (id),
    role text NOT NULL CONSTRAINT role CHECK (role IN ('caller', 'victim', 'witness', 'suspect')),
    is_hate_strand integer NOT NULL DEFAULT 0
        CONSTRAINT is_hate_strand CHECK (is_hate_strand IN (0, 1)),
    PRIMARY KEY (incident_id, person_id, role)
);
CREATE INDEX incident_person_person ON incident_person (person_id, role);

-- JSON columns are text holding valid JSON (checked), as in SQLite, so values round-trip
-- byte for byte.
CREATE FUNCTION fc_json_ok(t text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM t::json;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

CREATE TABLE contact (
    id bigserial PRIMARY KEY,
    channel text NOT NULL CONSTRAINT channel CHECK (channel IN ('phone', 'online', 'open311',
        'partner_referral')),
    received_at bigint NOT NULL,
    received_offset_min integer NOT NULL DEFAULT 0
        CONSTRAINT received_offset_min CHECK (received_offset_min BETWEEN -1080 AND 1080),
    handler_user_id bigint REFERENCES app_user (id),
    org_id bigint NOT NULL REFERENCES organisation (id),
    caller_person_id bigint REFERENCES person (id),
    incident_id bigint REFERENCES incident (id),
    raw_details text CONSTRAINT raw_details CHECK (raw_details IS NULL OR fc_json_ok(raw_details)),
    match_snapshot text
        CONSTRAINT match_snapshot CHECK (match_snapshot IS NULL OR fc_json_ok(match_snapshot)),
    created_at bigint NOT NULL
);
CREATE INDEX contact_caller_received ON contact (caller_person_id, received_at)
    WHERE caller_person_id IS NOT NULL;
CREATE INDEX contact_incident ON contact (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX contact_received ON contact (received_at);

-- The match snapshot is the audit evidence of what the handler was shown: once written it
-- never changes.
CREATE FUNCTION fc_contact_snapshot_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.match_snapshot IS NOT NULL AND NEW.match_snapshot IS DISTINCT FROM OLD.match_snapshot
    THEN
        RAISE EXCEPTION 'match_snapshot is immutable';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER contact_snapshot_immutable BEFORE UPDATE OF match_snapshot ON contact
    FOR EACH ROW EXECUTE FUNCTION fc_contact_snapshot_immutable();

CREATE TABLE flag (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    kind text NOT NULL CONSTRAINT kind CHECK (length(kind) BETWEEN 1 AND 64),
    agency text NOT NULL CONSTRAINT agency CHECK (length(agency) BETWEEN 1 AND 200),
    org_id bigint REFERENCES organisation (id),
    reason text,
    flagged_at bigint NOT NULL,
    review_date text CONSTRAINT review_date CHECK (review_date IS NULL OR
        fc_dob_ok(review_date, 'full')),
    withdrawn_at bigint CONSTRAINT withdrawn_at CHECK (withdrawn_at IS NULL OR
        withdrawn_at >= flagged_at),
    sharing_basis text,
    external_ref text,
    raw_details text CONSTRAINT raw_details CHECK (raw_details IS NULL OR fc_json_ok(raw_details)),
    match_probability double precision NOT NULL DEFAULT 1
        CONSTRAINT match_probability CHECK (match_probability BETWEEN 0 AND 1)
);
CREATE INDEX flag_person ON flag (person_id, flagged_at);
CREATE INDEX flag_kind ON flag (kind, flagged_at);

-- Audit (DPA 2018 s.62): append-only and hash-chained. hash = BLAKE2b-256(prev_hash ||
-- canonical row); the backend computes both, exactly as the SQLite backend does. The
-- triggers make the table append-only even for someone holding a raw SQL connection.
CREATE TABLE audit_event (
    seq bigint PRIMARY KEY CONSTRAINT seq CHECK (seq >= 1),
    at bigint NOT NULL,
    actor_user_id bigint,
    action text NOT NULL CONSTRAINT action CHECK (action IN ('collect', 'alter', 'consult',
        'disclose', 'combine', 'erase', 'login', 'export', 'config')),
    object_type text NOT NULL CONSTRAINT object_type CHECK (length(object_type) BETWEEN 1 AND 32),
    object_id bigint,
    purpose text,
    detail text,
    prev_hash bytea NOT NULL CONSTRAINT prev_hash CHECK (length(prev_hash) = 32),
    hash bytea NOT NULL CONSTRAINT hash CHECK (length(hash) = 32)
);
CREATE INDEX audit_object ON audit_event (object_type, object_id);
CREATE INDEX audit_actor ON audit_event (actor_user_id, at);

CREATE FUNCTION fc_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION fc_audit_append_only();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION fc_audit_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION fc_audit_append_only();
