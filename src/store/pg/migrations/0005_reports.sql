-- 0005: surveys, police.uk open data and report indexes, as sqlite/migrations/0005_reports.sql
-- (issues 7 and 9). Times are bigint UTC seconds. CHECK constraints are named after their
-- column.

-- A survey invitation by web link: only the BLAKE2b hash of the random token is kept, it
-- expires, and it can be used once. The queue row (survey_queue, 0003) says whom and why.
CREATE TABLE survey_token (
    token_hash bytea PRIMARY KEY CONSTRAINT token_hash CHECK (length(token_hash) = 32),
    queue_id bigint NOT NULL REFERENCES survey_queue (id),
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL CONSTRAINT expires_at CHECK (expires_at > created_at),
    used_at bigint
);
CREATE INDEX survey_token_queue ON survey_token (queue_id);

-- One answer set per queue row (a victim answers once per incident). Q1-Q5 on the 7-point
-- scale (1 completely satisfied .. 7 completely dissatisfied; 0 don't know or refused);
-- Q6 has the ASB stopped (yes / reduced / no / dont_know), Q7 did the police take action.
CREATE TABLE survey_response (
    id bigserial PRIMARY KEY,
    queue_id bigint NOT NULL REFERENCES survey_queue (id),
    instrument text NOT NULL CONSTRAINT instrument CHECK (instrument ~ '^survey/v[0-9]'),
    channel text NOT NULL CONSTRAINT channel CHECK (channel IN ('phone', 'web')),
    q1 integer NOT NULL CONSTRAINT q1 CHECK (q1 BETWEEN 0 AND 7),
    q2 integer NOT NULL CONSTRAINT q2 CHECK (q2 BETWEEN 0 AND 7),
    q3 integer NOT NULL CONSTRAINT q3 CHECK (q3 BETWEEN 0 AND 7),
    q4 integer NOT NULL CONSTRAINT q4 CHECK (q4 BETWEEN 0 AND 7),
    q5 integer NOT NULL CONSTRAINT q5 CHECK (q5 BETWEEN 0 AND 7),
    q6 text NOT NULL CONSTRAINT q6 CHECK (q6 IN ('yes', 'reduced', 'no', 'dont_know')),
    q7 text NOT NULL CONSTRAINT q7 CHECK (q7 IN ('yes', 'no', 'dont_know')),
    recorded_by bigint REFERENCES app_user (id),
    responded_at bigint NOT NULL
);
CREATE UNIQUE INDEX survey_response_once ON survey_response (queue_id);
CREATE INDEX survey_response_at ON survey_response (responded_at);

-- data.police.uk street-level rows. natural_key makes re-import idempotent: the Crime ID
-- (with the month) where there is one, else a digest of the row, plus "#n" for the n-th
-- identical row of a file. Text keys compare byte-wise (COLLATE "C"), as in SQLite.
CREATE TABLE policeuk_record (
    natural_key text COLLATE "C" PRIMARY KEY
        CONSTRAINT natural_key CHECK (length(natural_key) BETWEEN 1 AND 96),
    crime_id text,
    month text COLLATE "C" NOT NULL CONSTRAINT month CHECK (month ~ '^[0-9]{4}-[0-1][0-9]$'),
    reported_by text NOT NULL,
    falls_within text,
    lat double precision CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon double precision CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    location text COLLATE "C",
    lsoa_code text COLLATE "C",
    lsoa_name text,
    crime_type text NOT NULL,
    last_outcome text,
    context text,
    source_file text NOT NULL,
    imported_at bigint NOT NULL
);
CREATE INDEX policeuk_record_type_month ON policeuk_record (crime_type, month);
CREATE INDEX policeuk_record_lsoa ON policeuk_record (lsoa_code, month) WHERE lsoa_code IS NOT NULL;

-- Indexes the reports group by.
CREATE INDEX IF NOT EXISTS survey_queue_person ON survey_queue (person_id, queued_at);
-- first-contact report: was the incident risk-screened during this contact?
CREATE INDEX IF NOT EXISTS risk_assessment_contact ON risk_assessment (contact_id)
    WHERE contact_id IS NOT NULL;
