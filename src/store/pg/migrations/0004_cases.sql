-- 0004: partnership case management, as sqlite/migrations/0004_cases.sql: cases led by one
-- organisation and shared with others, the persons, incidents and locations involved, the
-- action plan, reviews and their escalations, the append-only timeline, and the review
-- queue for partner flags whose person match was uncertain. Times are bigint UTC seconds;
-- CHECK constraints are named after their column; JSON columns are text checked by
-- fc_json_ok (0002), so values round-trip byte for byte.

CREATE TABLE asb_case (
    id bigserial PRIMARY KEY,
    ref text NOT NULL CONSTRAINT ref CHECK (length(ref) BETWEEN 1 AND 32),
    title text NOT NULL CONSTRAINT title CHECK (length(title) BETWEEN 1 AND 200),
    lead_org_id bigint NOT NULL REFERENCES organisation (id),
    lead_user_id bigint NOT NULL REFERENCES app_user (id),
    status text NOT NULL CONSTRAINT status CHECK (status IN ('open', 'closed')),
    origin text NOT NULL CONSTRAINT origin CHECK (origin IN ('incident', 'community_trigger',
        'partner_referral', 'manual')),
    origin_id bigint,
    risk_level text NOT NULL
        CONSTRAINT risk_level CHECK (risk_level IN ('standard', 'medium', 'high')),
    area_code text,
    area_name text,
    sharing_basis text NOT NULL
        CONSTRAINT sharing_basis CHECK (length(sharing_basis) BETWEEN 1 AND 200),
    sharing_agreement_ref text,
    review_interval_days integer NOT NULL
        CONSTRAINT review_interval_days CHECK (review_interval_days BETWEEN 1 AND 366),
    next_review_due bigint,
    trigger_applied_at bigint,
    opened_at bigint NOT NULL,
    opened_by bigint NOT NULL REFERENCES app_user (id),
    closed_at bigint,
    closure_outcome text,
    closure_reason text,
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT closed_at CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX asb_case_ref ON asb_case (ref);
CREATE INDEX asb_case_lead_org ON asb_case (lead_org_id, status);
CREATE INDEX asb_case_lead_user ON asb_case (lead_user_id, status);
CREATE INDEX asb_case_review_due ON asb_case (next_review_due) WHERE status = 'open';
CREATE INDEX asb_case_area ON asb_case (area_code) WHERE area_code IS NOT NULL;

-- A share is revoked, never deleted; a changed level is a new row.
CREATE TABLE case_share (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES asb_case (id),
    org_id bigint NOT NULL REFERENCES organisation (id),
    level text NOT NULL CONSTRAINT level CHECK (level IN ('view', 'contribute', 'co_own')),
    granted_by bigint NOT NULL REFERENCES app_user (id),
    granted_at bigint NOT NULL,
    expires_at bigint,
    revoked_at bigint,
    revoked_by bigint REFERENCES app_user (id)
);
CREATE INDEX case_share_case ON case_share (case_id);
CREATE INDEX case_share_org ON case_share (org_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX case_share_one_live ON case_share (case_id, org_id) WHERE revoked_at IS NULL;

CREATE TABLE case_party (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES asb_case (id),
    person_id bigint NOT NULL REFERENCES person (id),
    role text NOT NULL
        CONSTRAINT role CHECK (role IN ('victim', 'perpetrator', 'witness', 'other')),
    match_probability double precision NOT NULL DEFAULT 1
        CONSTRAINT match_probability CHECK (match_probability BETWEEN 0 AND 1),
    added_by bigint NOT NULL REFERENCES app_user (id),
    added_at bigint NOT NULL
);
CREATE UNIQUE INDEX case_party_once ON case_party (case_id, person_id, role);
CREATE INDEX case_party_person ON case_party (person_id);

CREATE TABLE case_incident (
    case_id bigint NOT NULL REFERENCES asb_case (id),
    incident_id bigint NOT NULL REFERENCES incident (id),
    linked_by bigint NOT NULL REFERENCES app_user (id),
    linked_at bigint NOT NULL,
    PRIMARY KEY (case_id, incident_id)
);
CREATE INDEX case_incident_incident ON case_incident (incident_id);

CREATE TABLE case_location (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES asb_case (id),
    raw text NOT NULL CONSTRAINT raw CHECK (length(raw) BETWEEN 1 AND 300),
    postcode text,
    uprn text CONSTRAINT uprn CHECK (uprn IS NULL OR uprn ~ '^[0-9]{1,12}$'),
    lat double precision CONSTRAINT lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon double precision CONSTRAINT lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    added_by bigint NOT NULL REFERENCES app_user (id),
    added_at bigint NOT NULL
);
CREATE INDEX case_location_case ON case_location (case_id);

CREATE TABLE case_action (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES asb_case (id),
    intervention text NOT NULL CONSTRAINT intervention CHECK (intervention IN ('warning_letter',
        'abc', 'mediation', 'cpw', 'cpn', 'civil_injunction', 'cbo', 'closure_notice',
        'closure_order', 'support_referral', 'free')),
    title text NOT NULL CONSTRAINT title CHECK (length(title) BETWEEN 1 AND 200),
    owner_user_id bigint REFERENCES app_user (id),
    owner_org_id bigint NOT NULL REFERENCES organisation (id),
    subject_person_id bigint REFERENCES person (id),
    due_at bigint NOT NULL,
    status text NOT NULL CONSTRAINT status CHECK (status IN ('planned', 'in_progress', 'done',
        'cancelled')),
    outcome text,
    created_by bigint NOT NULL REFERENCES app_user (id),
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    completed_at bigint,
    CONSTRAINT completed_at CHECK ((status IN ('done', 'cancelled')) = (completed_at IS NOT NULL))
);
CREATE INDEX case_action_case ON case_action (case_id);
CREATE INDEX case_action_open_due ON case_action (due_at)
    WHERE status IN ('planned', 'in_progress');
CREATE INDEX case_action_owner ON case_action (owner_user_id, status);

CREATE TABLE case_review (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES asb_case (id),
    due_at bigint,
    held_at bigint NOT NULL,
    held_by bigint NOT NULL REFERENCES app_user (id),
    summary text NOT NULL CONSTRAINT summary CHECK (length(summary) BETWEEN 1 AND 4000),
    next_due_at bigint
);
CREATE INDEX case_review_case ON case_review (case_id, held_at);

CREATE TABLE case_escalation (
    case_id bigint NOT NULL REFERENCES asb_case (id),
    due_at bigint NOT NULL,
    escalated_to bigint REFERENCES app_user (id),
    escalated_at bigint NOT NULL,
    PRIMARY KEY (case_id, due_at)
);
CREATE INDEX case_escalation_to ON case_escalation (escalated_to, escalated_at);

-- The timeline is the case's history: every change appends a row, none is altered.
CREATE TABLE case_entry (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES asb_case (id),
    at bigint NOT NULL,
    actor_user_id bigint REFERENCES app_user (id),
    actor_org_id bigint REFERENCES organisation (id),
    kind text NOT NULL CONSTRAINT kind CHECK (kind IN ('opened', 'assessment', 'party',
        'incident', 'location', 'share', 'action', 'review', 'escalation', 'conference',
        'contact', 'note', 'lead', 'trigger', 'closed', 'reopened')),
    summary text NOT NULL CONSTRAINT summary CHECK (length(summary) BETWEEN 1 AND 500),
    body text CONSTRAINT body CHECK (body IS NULL OR fc_json_ok(body)),
    is_police_only integer NOT NULL DEFAULT 0
        CONSTRAINT is_police_only CHECK (is_police_only IN (0, 1))
);
CREATE INDEX case_entry_case ON case_entry (case_id, at, id);
CREATE INDEX case_entry_kind ON case_entry (case_id, kind);

CREATE FUNCTION fc_case_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_entry is append-only';
END
$$;
CREATE TRIGGER case_entry_no_update BEFORE UPDATE ON case_entry
    FOR EACH ROW EXECUTE FUNCTION fc_case_entry_append_only();
CREATE TRIGGER case_entry_no_delete BEFORE DELETE ON case_entry
    FOR EACH ROW EXECUTE FUNCTION fc_case_entry_append_only();
CREATE TRIGGER case_entry_no_truncate BEFORE TRUNCATE ON case_entry
    FOR EACH STATEMENT EXECUTE FUNCTION fc_case_entry_append_only();

CREATE TABLE flag_review (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisation (id),
    submitted_by bigint REFERENCES app_user (id),
    external_ref text,
    agency text NOT NULL CONSTRAINT agency CHECK (length(agency) BETWEEN 1 AND 200),
    kind text NOT NULL CONSTRAINT kind CHECK (length(kind) BETWEEN 1 AND 64),
    reason text,
    flagged_at bigint NOT NULL,
    review_date text,
    sharing_basis text,
    raw_details text NOT NULL CONSTRAINT raw_details CHECK (fc_json_ok(raw_details)),
    candidates text CONSTRAINT candidates CHECK (candidates IS NULL OR fc_json_ok(candidates)),
    best_person_id bigint REFERENCES person (id),
    best_probability double precision,
    status text NOT NULL
        CONSTRAINT status CHECK (status IN ('pending', 'confirmed', 'rejected')),
    decided_by bigint REFERENCES app_user (id),
    decided_at bigint,
    person_id bigint REFERENCES person (id),
    flag_id bigint REFERENCES flag (id),
    created_at bigint NOT NULL
);
CREATE INDEX flag_review_pending ON flag_review (org_id, created_at) WHERE status = 'pending';
CREATE UNIQUE INDEX flag_review_ref ON flag_review (org_id, external_ref)
    WHERE external_ref IS NOT NULL;

-- A closed case queues its victims for the satisfaction survey (DESIGN section 9).
ALTER TABLE survey_queue ADD COLUMN case_id bigint REFERENCES asb_case (id);
