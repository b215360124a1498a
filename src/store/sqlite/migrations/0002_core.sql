-- 0002: the core domain (shared/DESIGN.md section 2): organisations, users, sessions,
-- persons and their identifier rows, contacts, incidents, flags and the audit trail.
-- Times are INTEGER UTC seconds. Enumerations are TEXT with a CHECK named after the column,
-- so a violation reads "CHECK constraint failed: <column>". Identifier rows are appended,
-- never overwritten; the matcher's keys are opaque text the store does not interpret.

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('force', 'district_council',
        'city_council', 'county_council', 'unitary', 'housing_provider', 'health', 'other')),
    name TEXT NOT NULL CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 200),
    open311_jurisdiction TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX organisation_name ON organisation (name);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    username TEXT NOT NULL CONSTRAINT username CHECK (length(username) BETWEEN 1 AND 64),
    display_name TEXT,
    role TEXT NOT NULL CONSTRAINT role CHECK (role IN ('call_handler', 'officer',
        'supervisor', 'partner_officer', 'analyst', 'admin')),
    team TEXT,
    password_hash TEXT, -- argon2id string; NULL: cannot log in until a password is set
    mfa_secret TEXT,
    is_disabled INTEGER NOT NULL DEFAULT 0 CONSTRAINT is_disabled CHECK (is_disabled IN (0, 1)),
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX app_user_username ON app_user (username);
CREATE INDEX app_user_org ON app_user (org_id);

CREATE TABLE session (
    token_hash BLOB PRIMARY KEY CONSTRAINT token_hash CHECK (length(token_hash) = 32),
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL CONSTRAINT expires_at CHECK (expires_at >= created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX session_user ON session (user_id);
CREATE INDEX session_expires ON session (expires_at);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    merged_into INTEGER REFERENCES person (id)
        CONSTRAINT merged_into CHECK (merged_into IS NULL OR merged_into <> id)
) STRICT;
CREATE INDEX person_merged_into ON person (merged_into) WHERE merged_into IS NOT NULL;

-- Provenance columns shared by every identifier table: source says where the value came
-- from, source_id which row of that source (contact, flag, import line), recorded_at when.
CREATE TABLE person_name (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id),
    raw TEXT,
    forename TEXT,
    middles TEXT,
    surname TEXT,
    keys TEXT,
    source TEXT NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id INTEGER,
    recorded_at INTEGER NOT NULL,
    CONSTRAINT name CHECK (coalesce(raw, forename, surname) IS NOT NULL)
) STRICT;
CREATE INDEX person_name_person ON person_name (person_id);
CREATE INDEX person_name_surname ON person_name (surname COLLATE NOCASE);

CREATE TABLE person_dob (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id),
    raw TEXT,
    date TEXT NOT NULL,
    precision TEXT NOT NULL CONSTRAINT precision CHECK (precision IN ('full', 'year_month', 'year')),
    is_placeholder INTEGER NOT NULL DEFAULT 0
        CONSTRAINT is_placeholder CHECK (is_placeholder IN (0, 1)),
    source TEXT NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id INTEGER,
    recorded_at INTEGER NOT NULL,
    -- a real calendar date (date(x, '+0 days') normalises 02-30 to 03-01, so it differs);
    -- lower precision zeroes the unknown parts (1980-04-00, 1980-00-00)
    CONSTRAINT date CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND (
        (precision = 'full' AND date(date, '+0 days') IS date) OR
        (precision = 'year_month' AND substr(date, 9) = '00'
            AND date(substr(date, 1, 8) || '01', '+0 days') IS substr(date, 1, 8) || '01') OR
        (precision = 'year' AND substr(date, 6) = '00-00')))
) STRICT;
CREATE INDEX person_dob_person ON person_dob (person_id);
CREATE INDEX person_dob_date ON person_dob (date);

CREATE TABLE person_phone (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id),
    raw TEXT,
    e164 TEXT CONSTRAINT e164 CHECK (e164 IS NULL OR e164 GLOB '+[1-9]*'),
    kind TEXT NOT NULL DEFAULT 'unknown'
        CONSTRAINT kind CHECK (kind IN ('mobile', 'landline', 'unknown')),
    source TEXT NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id INTEGER,
    recorded_at INTEGER NOT NULL,
    CONSTRAINT phone CHECK (coalesce(raw, e164) IS NOT NULL)
) STRICT;
CREATE INDEX person_phone_person ON person_phone (person_id);
CREATE INDEX person_phone_e164 ON person_phone (e164) WHERE e164 IS NOT NULL;

CREATE TABLE person_email (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id),
    raw TEXT,
    norm TEXT,
    source TEXT NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id INTEGER,
    recorded_at INTEGER NOT NULL,
    CONSTRAINT email CHECK (coalesce(raw, norm) IS NOT NULL)
) STRICT;
CREATE INDEX person_email_person ON person_email (person_id);
CREATE INDEX person_email_norm ON person_email (norm) WHERE norm IS NOT NULL;

CREATE TABLE person_address (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id),
    raw TEXT,
    flat TEXT,
    number TEXT,
    building TEXT,
    street TEXT,
    town TEXT,
    postcode TEXT,
    uprn TEXT CONSTRAINT uprn CHECK (uprn IS NULL OR (length(uprn) BETWEEN 1 AND 12
        AND uprn NOT GLOB '*[^0-9]*')),
    lat REAL CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon REAL CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    keys TEXT,
    valid_from INTEGER,
    valid_to INTEGER,
    source TEXT NOT NULL CONSTRAINT source CHECK (source IN ('contact', 'flag', 'import',
        'manual', 'merge', 'open311', 'referral')),
    source_id INTEGER,
    recorded_at INTEGER NOT NULL,
    CONSTRAINT address CHECK (coalesce(raw, street, postcode, uprn) IS NOT NULL),
    CONSTRAINT valid_to CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
) STRICT;
CREATE INDEX person_address_person ON person_address (person_id);
CREATE INDEX person_address_postcode ON person_address (postcode) WHERE postcode IS NOT NULL;
CREATE INDEX person_address_uprn ON person_address (uprn) WHERE uprn IS NOT NULL;

CREATE TABLE incident (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    category TEXT NOT NULL
        CONSTRAINT category CHECK (category IN ('personal', 'nuisance', 'environmental')),
    incident_type TEXT NOT NULL CONSTRAINT incident_type CHECK (length(incident_type) BETWEEN 1 AND 64),
    description TEXT,
    location_raw TEXT,
    location_postcode TEXT,
    location_key TEXT,
    lsoa_code TEXT,
    lat REAL CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon REAL CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('open', 'closed')),
    grade TEXT CONSTRAINT grade CHECK (grade IS NULL OR grade IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    risk_level TEXT CONSTRAINT risk_level CHECK (risk_level IS NULL OR risk_level IN
        ('standard', 'medium', 'high')),
    is_police_only INTEGER NOT NULL DEFAULT 0
        CONSTRAINT is_police_only CHECK (is_police_only IN (0, 1)),
    occurred_at INTEGER,
    created_at INTEGER NOT NULL,
    closed_at INTEGER,
    closure_code TEXT,
    outcome TEXT,
    CONSTRAINT closed_at CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) STRICT;
CREATE INDEX incident_org_created ON incident (org_id, created_at);
CREATE INDEX incident_created ON incident (created_at);
CREATE INDEX incident_status ON incident (status, created_at);
CREATE INDEX incident_location_key ON incident (location_key) WHERE location_key IS NOT NULL;
CREATE INDEX incident_lsoa ON incident (lsoa_code) WHERE lsoa_code IS NOT NULL;

CREATE TABLE incident_person (
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    person_id INTEGER NOT NULL REFERENCES person (id),
    role TEXT NOT NULL CONSTRAINT role CHECK (role IN ('caller', 'victim', 'witness', 'suspect')),
    is_hate_strand INTEGER NOT NULL DEFAULT 0
        CONSTRAINT is_hate_strand CHECK (is_hate_strand IN (0, 1)),
    PRIMARY KEY (incident_id, person_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX incident_person_person ON incident_person (person_id, role);

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CONSTRAINT channel CHECK (channel IN ('phone', 'online', 'open311',
        'partner_referral')),
    received_at INTEGER NOT NULL,
    received_offset_min INTEGER NOT NULL DEFAULT 0
        CONSTRAINT received_offset_min CHECK (received_offset_min BETWEEN -1080 AND 1080),
    handler_user_id INTEGER REFERENCES app_user (id),
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    caller_person_id INTEGER REFERENCES person (id),
    incident_id INTEGER REFERENCES incident (id),
    raw_details TEXT CONSTRAINT raw_details CHECK (raw_details IS NULL OR json_valid(raw_details)),
    match_snapshot TEXT
        CONSTRAINT match_snapshot CHECK (match_snapshot IS NULL OR json_valid(match_snapshot)),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX contact_caller_received ON contact (caller_person_id, received_at)
    WHERE caller_person_id IS NOT NULL;
CREATE INDEX contact_incident ON contact (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX contact_received ON contact (received_at);

-- The match snapshot is the audit evidence of what the handler was shown: once written it
-- never changes.
CREATE TRIGGER contact_snapshot_immutable BEFORE UPDATE OF match_snapshot ON contact
WHEN OLD.match_snapshot IS NOT NULL AND NEW.match_snapshot IS NOT OLD.match_snapshot
BEGIN
    SELECT RAISE(ABORT, 'match_snapshot is immutable');
END;

CREATE TABLE flag (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL CONSTRAINT kind CHECK (length(kind) BETWEEN 1 AND 64),
    agency TEXT NOT NULL CONSTRAINT agency CHECK (length(agency) BETWEEN 1 AND 200),
    org_id INTEGER REFERENCES organisation (id),
    reason TEXT,
    flagged_at INTEGER NOT NULL,
    review_date TEXT CONSTRAINT review_date CHECK (review_date IS NULL OR
        date(review_date, '+0 days') IS review_date),
    withdrawn_at INTEGER CONSTRAINT withdrawn_at CHECK (withdrawn_at IS NULL OR
        withdrawn_at >= flagged_at),
    sharing_basis TEXT,
    external_ref TEXT,
    raw_details TEXT CONSTRAINT raw_details CHECK (raw_details IS NULL OR json_valid(raw_details)),
    match_probability REAL NOT NULL DEFAULT 1
        CONSTRAINT match_probability CHECK (match_probability BETWEEN 0 AND 1)
) STRICT;
CREATE INDEX flag_person ON flag (person_id, flagged_at);
CREATE INDEX flag_kind ON flag (kind, flagged_at);

-- Audit (DPA 2018 s.62): append-only and hash-chained. hash = BLAKE2b-256(prev_hash ||
-- canonical row); the backend computes both. The triggers make the table append-only
-- even for someone holding a raw SQL connection.
CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY CONSTRAINT seq CHECK (seq >= 1),
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL CONSTRAINT action CHECK (action IN ('collect', 'alter', 'consult',
        'disclose', 'combine', 'erase', 'login', 'export', 'config')),
    object_type TEXT NOT NULL CONSTRAINT object_type CHECK (length(object_type) BETWEEN 1 AND 32),
    object_id INTEGER,
    purpose TEXT,
    detail TEXT,
    prev_hash BLOB NOT NULL CONSTRAINT prev_hash CHECK (length(prev_hash) = 32),
    hash BLOB NOT NULL CONSTRAINT hash CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX audit_object ON audit_event (object_type, object_id);
CREATE INDEX audit_actor ON audit_event (actor_user_id, at);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
