-- 0003: call handling (issue 4): risk assessments, grades, what the handler was shown,
-- follow-up tasks and team queues, Community Trigger case reviews, victim updates, closures
-- and the satisfaction survey queue. Times are INTEGER UTC seconds. CHECK constraints are
-- named after their column. Decisions are append-only: a change is a new row.

CREATE TABLE team (
    id TEXT PRIMARY KEY CONSTRAINT id CHECK (length(id) BETWEEN 1 AND 48),
    name TEXT NOT NULL,
    district TEXT
) STRICT;

CREATE TABLE team_area (
    lsoa_code TEXT PRIMARY KEY CONSTRAINT lsoa_code CHECK (length(lsoa_code) BETWEEN 1 AND 11),
    team_id TEXT NOT NULL REFERENCES team (id),
    version TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX team_area_team ON team_area (team_id);

CREATE TABLE risk_assessment (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    person_id INTEGER REFERENCES person (id),
    contact_id INTEGER REFERENCES contact (id),
    version TEXT NOT NULL CONSTRAINT version CHECK (version GLOB 'risk/v[0-9]*'),
    stage TEXT NOT NULL CONSTRAINT stage CHECK (stage IN ('screening', 'full', 'override')),
    answers TEXT NOT NULL CONSTRAINT answers CHECK (json_valid(answers)),
    score INTEGER NOT NULL DEFAULT 0 CONSTRAINT score CHECK (score BETWEEN 0 AND 1000),
    escalations TEXT NOT NULL DEFAULT '[]' CONSTRAINT escalations CHECK (json_valid(escalations)),
    outcome TEXT CONSTRAINT outcome CHECK (outcome IS NULL OR outcome IN ('standard', 'not_low_risk')),
    scored_level TEXT CONSTRAINT scored_level CHECK (scored_level IS NULL OR
        scored_level IN ('standard', 'medium', 'high')),
    final_level TEXT NOT NULL CONSTRAINT final_level CHECK (final_level IN ('standard', 'medium', 'high')),
    reason TEXT,
    supersedes_id INTEGER REFERENCES risk_assessment (id),
    assessor_user_id INTEGER REFERENCES app_user (id),
    assessed_at INTEGER NOT NULL,
    next_review_due INTEGER,
    CONSTRAINT reason CHECK (stage <> 'override' OR length(trim(coalesce(reason, ''))) > 0),
    CONSTRAINT supersedes_id CHECK (stage <> 'override' OR supersedes_id IS NOT NULL)
) STRICT;
CREATE INDEX risk_assessment_incident ON risk_assessment (incident_id, id);
CREATE INDEX risk_assessment_person ON risk_assessment (person_id, assessed_at)
    WHERE person_id IS NOT NULL;
CREATE TRIGGER risk_assessment_no_update BEFORE UPDATE ON risk_assessment
BEGIN
    SELECT RAISE(ABORT, 'risk_assessment is append-only');
END;
CREATE TRIGGER risk_assessment_no_delete BEFORE DELETE ON risk_assessment
BEGIN
    SELECT RAISE(ABORT, 'risk_assessment is append-only');
END;

CREATE TABLE incident_grade (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    version TEXT NOT NULL,
    suggested TEXT NOT NULL CONSTRAINT suggested CHECK (suggested IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    floor TEXT NOT NULL CONSTRAINT floor CHECK (floor IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    grade TEXT NOT NULL CONSTRAINT grade CHECK (grade IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    reason TEXT,
    is_override INTEGER NOT NULL CONSTRAINT is_override CHECK (is_override IN (0, 1)),
    user_id INTEGER REFERENCES app_user (id),
    graded_at INTEGER NOT NULL,
    CONSTRAINT reason CHECK (is_override = 0 OR length(trim(coalesce(reason, ''))) > 0)
) STRICT;
CREATE INDEX incident_grade_incident ON incident_grade (incident_id, id);
CREATE TRIGGER incident_grade_no_update BEFORE UPDATE ON incident_grade
BEGIN
    SELECT RAISE(ABORT, 'incident_grade is append-only');
END;

-- What the handler was told about the caller: the evidence, so never changed.
CREATE TABLE contact_labels (
    contact_id INTEGER PRIMARY KEY REFERENCES contact (id),
    version TEXT NOT NULL,
    prior_calls_12m INTEGER NOT NULL,
    prior_calls_ever INTEGER NOT NULL,
    is_repeat_victim INTEGER NOT NULL CONSTRAINT is_repeat_victim CHECK (is_repeat_victim IN (0, 1)),
    is_persistent INTEGER NOT NULL CONSTRAINT is_persistent CHECK (is_persistent IN (0, 1)),
    is_high_volume INTEGER NOT NULL CONSTRAINT is_high_volume CHECK (is_high_volume IN (0, 1)),
    victim_incidents_12m INTEGER NOT NULL,
    location_incidents_12m INTEGER NOT NULL,
    is_repeat_location INTEGER NOT NULL CONSTRAINT is_repeat_location CHECK (is_repeat_location IN (0, 1)),
    suspect_incidents_max INTEGER NOT NULL,
    is_repeat_perpetrator INTEGER NOT NULL
        CONSTRAINT is_repeat_perpetrator CHECK (is_repeat_perpetrator IN (0, 1)),
    flags_in_force INTEGER NOT NULL,
    is_vulnerable INTEGER NOT NULL CONSTRAINT is_vulnerable CHECK (is_vulnerable IN (0, 1)),
    vulnerable_basis TEXT NOT NULL DEFAULT '',
    flags_shown TEXT NOT NULL DEFAULT '[]' CONSTRAINT flags_shown CHECK (json_valid(flags_shown)),
    trigger_count INTEGER NOT NULL DEFAULT 0,
    trigger_prompted INTEGER NOT NULL DEFAULT 0 CONSTRAINT trigger_prompted CHECK (trigger_prompted IN (0, 1)),
    trigger_eligible INTEGER NOT NULL DEFAULT 0 CONSTRAINT trigger_eligible CHECK (trigger_eligible IN (0, 1)),
    shown_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER contact_labels_no_update BEFORE UPDATE ON contact_labels
BEGIN
    SELECT RAISE(ABORT, 'contact_labels is immutable');
END;

CREATE TABLE task (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER REFERENCES incident (id),
    case_id INTEGER,
    contact_id INTEGER REFERENCES contact (id),
    kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('full_assessment', 'visit', 'call_back',
        'victim_update', 'review', 'partner_referral', 'action_plan', 'trigger_step')),
    rank TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL REFERENCES team (id),
    assignee_user_id INTEGER REFERENCES app_user (id),
    reason TEXT,
    status TEXT NOT NULL DEFAULT 'open' CONSTRAINT status CHECK (status IN ('open', 'done', 'cancelled')),
    due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    completed_by INTEGER REFERENCES app_user (id),
    outcome TEXT,
    escalated_at INTEGER,
    CONSTRAINT completed_at CHECK ((status = 'open') = (completed_at IS NULL)),
    CONSTRAINT incident_id CHECK (incident_id IS NOT NULL OR case_id IS NOT NULL)
) STRICT;
-- one open task of a kind (and review rank) per incident: replanning never duplicates
CREATE UNIQUE INDEX task_open_once ON task (incident_id, kind, rank) WHERE status = 'open';
CREATE INDEX task_team_due ON task (team_id, status, due_at);
CREATE INDEX task_incident ON task (incident_id);

CREATE TABLE community_trigger (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL,
    applicant_person_id INTEGER REFERENCES person (id),
    incident_id INTEGER REFERENCES incident (id),
    contact_id INTEGER REFERENCES contact (id),
    problem_key TEXT,
    channel TEXT NOT NULL CONSTRAINT channel CHECK (channel IN ('phone', 'online', 'open311',
        'partner_referral', 'letter', 'email', 'in_person')),
    is_third_party INTEGER NOT NULL DEFAULT 0 CONSTRAINT is_third_party CHECK (is_third_party IN (0, 1)),
    has_victim_consent INTEGER NOT NULL DEFAULT 1
        CONSTRAINT has_victim_consent CHECK (has_victim_consent IN (0, 1)),
    status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('open', 'threshold_met',
        'threshold_not_met', 'closed')),
    basis TEXT,
    applicant_count INTEGER NOT NULL DEFAULT 0,
    problem_people INTEGER NOT NULL DEFAULT 0,
    applied_at INTEGER NOT NULL,
    decision_reason TEXT,
    outcome TEXT,
    created_by INTEGER REFERENCES app_user (id),
    -- s.104: a third party applies only with the victim's consent
    CONSTRAINT has_victim_consent CHECK (is_third_party = 0 OR has_victim_consent = 1)
) STRICT;
CREATE INDEX community_trigger_applicant ON community_trigger (applicant_person_id, applied_at);
CREATE INDEX community_trigger_applied ON community_trigger (applied_at);

CREATE TABLE community_trigger_step (
    trigger_id INTEGER NOT NULL REFERENCES community_trigger (id),
    step TEXT NOT NULL,
    seq INTEGER NOT NULL,
    due_at INTEGER,
    done_at INTEGER,
    done_by INTEGER REFERENCES app_user (id),
    note TEXT,
    PRIMARY KEY (trigger_id, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE victim_update_plan (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    person_id INTEGER REFERENCES person (id),
    version TEXT NOT NULL,
    frequency_wd INTEGER NOT NULL CONSTRAINT frequency_wd CHECK (frequency_wd BETWEEN 1 AND 60),
    channel TEXT NOT NULL,
    is_enhanced INTEGER NOT NULL CONSTRAINT is_enhanced CHECK (is_enhanced IN (0, 1)),
    agreed_at INTEGER NOT NULL,
    agreed_by INTEGER REFERENCES app_user (id),
    next_due_at INTEGER
) STRICT;
-- the newest plan for an incident is the one in force; earlier ones stay as history
CREATE INDEX victim_update_plan_incident ON victim_update_plan (incident_id, id);
CREATE INDEX victim_update_plan_due ON victim_update_plan (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE victim_update (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER REFERENCES victim_update_plan (id),
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('scheduled', 'key_event', 'closure')),
    event TEXT,
    channel TEXT NOT NULL,
    summary TEXT,
    due_at INTEGER,
    sent_at INTEGER NOT NULL,
    sent_by INTEGER REFERENCES app_user (id)
) STRICT;
CREATE INDEX victim_update_incident ON victim_update (incident_id, sent_at);

CREATE TABLE incident_closure (
    incident_id INTEGER PRIMARY KEY REFERENCES incident (id),
    closure_code TEXT NOT NULL,
    outcome TEXT NOT NULL CONSTRAINT outcome CHECK (length(trim(outcome)) > 0),
    case_id INTEGER,
    closed_by INTEGER REFERENCES app_user (id),
    closed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE survey_queue (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident (id),
    person_id INTEGER REFERENCES person (id),
    contact_id INTEGER REFERENCES contact (id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    queued_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX survey_queue_once ON survey_queue (incident_id, person_id);
CREATE INDEX survey_queue_status ON survey_queue (status, queued_at);
