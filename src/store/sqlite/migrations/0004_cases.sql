-- 0004: partnership case management (shared/DESIGN.md sections 2, 7, 8 and 11): cases led
-- by one organisation and shared with others, the persons, incidents and locations
-- involved, the action plan, reviews and their escalations, the append-only timeline, and
-- the review queue for partner flags whose person match was uncertain. Times are INTEGER
-- UTC seconds; CHECK constraints are named after their column.

CREATE TABLE asb_case (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL CONSTRAINT ref CHECK (length(ref) BETWEEN 1 AND 32),
    title TEXT NOT NULL CONSTRAINT title CHECK (length(title) BETWEEN 1 AND 200),
    lead_org_id INTEGER NOT NULL REFERENCES organisation (id),
    lead_user_id INTEGER NOT NULL REFERENCES app_user (id),
    status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('open', 'closed')),
    origin TEXT NOT NULL CONSTRAINT origin CHECK (origin IN ('incident', 'community_trigger',
        'partner_referral', 'manual')),
    origin_id INTEGER,
    risk_level TEXT NOT NULL
        CONSTRAINT risk_level CHECK (risk_level IN ('standard', 'medium', 'high')),
    area_code TEXT,
    area_name TEXT,
    sharing_basis TEXT NOT NULL
        CONSTRAINT sharing_basis CHECK (length(sharing_basis) BETWEEN 1 AND 200),
    sharing_agreement_ref TEXT,
    review_interval_days INTEGER NOT NULL
        CONSTRAINT review_interval_days CHECK (review_interval_days BETWEEN 1 AND 366),
    next_review_due INTEGER,
    trigger_applied_at INTEGER,
    opened_at INTEGER NOT NULL,
    opened_by INTEGER NOT NULL REFERENCES app_user (id),
    closed_at INTEGER,
    closure_outcome TEXT,
    closure_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT closed_at CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX asb_case_ref ON asb_case (ref);
CREATE INDEX asb_case_lead_org ON asb_case (lead_org_id, status);
CREATE INDEX asb_case_lead_user ON asb_case (lead_user_id, status);
CREATE INDEX asb_case_review_due ON asb_case (next_review_due) WHERE status = 'open';
CREATE INDEX asb_case_area ON asb_case (area_code) WHERE area_code IS NOT NULL;

-- A share is revoked, never deleted; a changed level is a new row.
CREATE TABLE case_share (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    level TEXT NOT NULL CONSTRAINT level CHECK (level IN ('view', 'contribute', 'co_own')),
    granted_by INTEGER NOT NULL REFERENCES app_user (id),
    granted_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    revoked_by INTEGER REFERENCES app_user (id)
) STRICT;
CREATE INDEX case_share_case ON case_share (case_id);
CREATE INDEX case_share_org ON case_share (org_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX case_share_one_live ON case_share (case_id, org_id) WHERE revoked_at IS NULL;

CREATE TABLE case_party (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    person_id INTEGER NOT NULL REFERENCES person (id),
    role TEXT NOT NULL
        CONSTRAINT role CHECK (role IN ('victim', 'perpetrator', 'witness', 'other')),
    match_probability REAL NOT NULL DEFAULT 1
        CONSTRAINT match_probability CHECK (match_probability BETWEEN 0 AND 1),
    added_by INTEGER NOT NULL REFERENCES app_user (id),
    added_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX case_party_once ON case_party (case_id, person_id, role);
CREATE INDEX case_party_person ON case_party (person_id);

CREATE TABLE case_incident (
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    linked_by INTEGER NOT NULL REFERENCES app_user (id),
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, incident_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_incident_incident ON case_incident (incident_id);

CREATE TABLE case_location (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    raw TEXT NOT NULL CONSTRAINT raw CHECK (length(raw) BETWEEN 1 AND 300),
    postcode TEXT,
    uprn TEXT CONSTRAINT uprn CHECK (uprn IS NULL OR (length(uprn) BETWEEN 1 AND 12
        AND uprn NOT GLOB '*[^0-9]*')),
    lat REAL CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon REAL CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    added_by INTEGER NOT NULL REFERENCES app_user (id),
    added_at INTEGER NOT NULL
) STRICT;
CREATE INDEX case_location_case ON case_location (case_id);

CREATE TABLE case_action (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    intervention TEXT NOT NULL CONSTRAINT intervention CHECK (intervention IN ('warning_letter',
        'abc', 'mediation', 'cpw', 'cpn', 'civil_injunction', 'cbo', 'closure_notice',
        'closure_order', 'support_referral', 'free')),
    title TEXT NOT NULL CONSTRAINT title CHECK (length(title) BETWEEN 1 AND 200),
    owner_user_id INTEGER REFERENCES app_user (id),
    owner_org_id INTEGER NOT NULL REFERENCES organisation (id),
    subject_person_id INTEGER REFERENCES person (id),
    due_at INTEGER NOT NULL,
    status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('planned', 'in_progress', 'done',
        'cancelled')),
    outcome TEXT,
    created_by INTEGER NOT NULL REFERENCES app_user (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER,
    CONSTRAINT completed_at CHECK ((status IN ('done', 'cancelled')) = (completed_at IS NOT NULL))
) STRICT;
CREATE INDEX case_action_case ON case_action (case_id);
CREATE INDEX case_action_open_due ON case_action (due_at) WHERE status IN ('planned', 'in_progress');
CREATE INDEX case_action_owner ON case_action (owner_user_id, status);

CREATE TABLE case_review (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    due_at INTEGER,
    held_at INTEGER NOT NULL,
    held_by INTEGER NOT NULL REFERENCES app_user (id),
    summary TEXT NOT NULL CONSTRAINT summary CHECK (length(summary) BETWEEN 1 AND 4000),
    next_due_at INTEGER
) STRICT;
CREATE INDEX case_review_case ON case_review (case_id, held_at);

CREATE TABLE case_escalation (
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    due_at INTEGER NOT NULL,
    escalated_to INTEGER REFERENCES app_user (id),
    escalated_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, due_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_escalation_to ON case_escalation (escalated_to, escalated_at);

-- The timeline is the case's history: every change appends a row, none is altered.
CREATE TABLE case_entry (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES asb_case (id),
    at INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES app_user (id),
    actor_org_id INTEGER REFERENCES organisation (id),
    kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('opened', 'assessment', 'party',
        'incident', 'location', 'share', 'action', 'review', 'escalation', 'conference',
        'contact', 'note', 'lead', 'trigger', 'closed', 'reopened')),
    summary TEXT NOT NULL CONSTRAINT summary CHECK (length(summary) BETWEEN 1 AND 500),
    body TEXT CONSTRAINT body CHECK (body IS NULL OR json_valid(body)),
    is_police_only INTEGER NOT NULL DEFAULT 0
        CONSTRAINT is_police_only CHECK (is_police_only IN (0, 1))
) STRICT;
CREATE INDEX case_entry_case ON case_entry (case_id, at, id);
CREATE INDEX case_entry_kind ON case_entry (case_id, kind);

CREATE TRIGGER case_entry_no_update BEFORE UPDATE ON case_entry
BEGIN
    SELECT RAISE(ABORT, 'case_entry is append-only');
END;
CREATE TRIGGER case_entry_no_delete BEFORE DELETE ON case_entry
BEGIN
    SELECT RAISE(ABORT, 'case_entry is append-only');
END;

CREATE TABLE flag_review (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisation (id),
    submitted_by INTEGER REFERENCES app_user (id),
    external_ref TEXT,
    agency TEXT NOT NULL CONSTRAINT agency CHECK (length(agency) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CONSTRAINT kind CHECK (length(kind) BETWEEN 1 AND 64),
    reason TEXT,
    flagged_at INTEGER NOT NULL,
    review_date TEXT,
    sharing_basis TEXT,
    raw_details TEXT NOT NULL CONSTRAINT raw_details CHECK (json_valid(raw_details)),
    candidates TEXT CONSTRAINT candidates CHECK (candidates IS NULL OR json_valid(candidates)),
    best_person_id INTEGER REFERENCES person (id),
    best_probability REAL,
    status TEXT NOT NULL
        CONSTRAINT status CHECK (status IN ('pending', 'confirmed', 'rejected')),
    decided_by INTEGER REFERENCES app_user (id),
    decided_at INTEGER,
    person_id INTEGER REFERENCES person (id),
    flag_id INTEGER REFERENCES flag (id),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX flag_review_pending ON flag_review (org_id, created_at) WHERE status = 'pending';
CREATE UNIQUE INDEX flag_review_ref ON flag_review (org_id, external_ref)
    WHERE external_ref IS NOT NULL;

-- A closed case queues its victims for the satisfaction survey (DESIGN section 9).
ALTER TABLE survey_queue ADD COLUMN case_id INTEGER REFERENCES asb_case (id);
