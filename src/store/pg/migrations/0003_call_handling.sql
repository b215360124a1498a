-- 0003: call handling, as sqlite/migrations/0003_call_handling.sql: risk assessments,
-- grades, what the handler was shown, follow-up tasks and team queues, Community Trigger
-- case reviews, victim updates, closures and the satisfaction survey queue. Times are
-- bigint UTC seconds; JSON columns are text checked with fc_json_ok (0002). CHECK
-- constraints are named after their column. Decisions are append-only: a change is a new
-- row, and triggers refuse UPDATE/DELETE as SQLite's do.

CREATE TABLE team (
    id text PRIMARY KEY CONSTRAINT id CHECK (length(id) BETWEEN 1 AND 48),
    name text NOT NULL,
    district text
);

CREATE TABLE team_area (
    lsoa_code text PRIMARY KEY CONSTRAINT lsoa_code CHECK (length(lsoa_code) BETWEEN 1 AND 11),
    team_id text NOT NULL REFERENCES team (id),
    version text NOT NULL
);
CREATE INDEX team_area_team ON team_area (team_id);

-- RAISEs "<table> is append-only" (or "immutable"), as the SQLite triggers do.
CREATE FUNCTION fc_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;

CREATE TABLE risk_assessment (
    id bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incident (id),
    person_id bigint REFERENCES person (id),
    contact_id bigint REFERENCES contact (id),
    version text NOT NULL CONSTRAINT version CHECK (version ~ '^risk/v[0-9]'),
    stage text NOT NULL CONSTRAINT stage CHECK (stage IN ('screening', 'full', 'override')),
    answers text NOT NULL CONSTRAINT answers CHECK (fc_json_ok(answers)),
    score integer NOT NULL DEFAULT 0 CONSTRAINT score CHECK (score BETWEEN 0 AND 1000),
    escalations text NOT NULL DEFAULT '[]' CONSTRAINT escalations CHECK (fc_json_ok(escalations)),
    outcome text CONSTRAINT outcome CHECK (outcome IS NULL OR outcome IN ('standard', 'not_low_risk')),
    scored_level text CONSTRAINT scored_level CHECK (scored_level IS NULL OR
        scored_level IN ('standard', 'medium', 'high')),
    final_level text NOT NULL
        CONSTRAINT final_level CHECK (final_level IN ('standard', 'medium', 'high')),
    reason text,
    supersedes_id bigint REFERENCES risk_assessment (id),
    assessor_user_id bigint REFERENCES app_user (id),
    assessed_at bigint NOT NULL,
    next_review_due bigint,
    CONSTRAINT reason CHECK (stage <> 'override' OR length(trim(coalesce(reason, ''))) > 0),
    CONSTRAINT supersedes_id CHECK (stage <> 'override' OR supersedes_id IS NOT NULL)
);
CREATE INDEX risk_assessment_incident ON risk_assessment (incident_id, id);
CREATE INDEX risk_assessment_person ON risk_assessment (person_id, assessed_at)
    WHERE person_id IS NOT NULL;
CREATE TRIGGER risk_assessment_no_update BEFORE UPDATE ON risk_assessment
    FOR EACH ROW EXECUTE FUNCTION fc_refuse_change('risk_assessment is append-only');
CREATE TRIGGER risk_assessment_no_delete BEFORE DELETE ON risk_assessment
    FOR EACH ROW EXECUTE FUNCTION fc_refuse_change('risk_assessment is append-only');

CREATE TABLE incident_grade (
    id bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incident (id),
    version text NOT NULL,
    suggested text NOT NULL CONSTRAINT suggested CHECK (suggested IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    floor text NOT NULL CONSTRAINT floor CHECK (floor IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    grade text NOT NULL CONSTRAINT grade CHECK (grade IN ('emergency', 'priority',
        'scheduled', 'resolved_first_contact')),
    reason text,
    is_override integer NOT NULL CONSTRAINT is_override CHECK (is_override IN (0, 1)),
    user_id bigint REFERENCES app_user (id),
    graded_at bigint NOT NULL,
    CONSTRAINT reason CHECK (is_override = 0 OR length(trim(coalesce(reason, ''))) > 0)
);
CREATE INDEX incident_grade_incident ON incident_grade (incident_id, id);
CREATE TRIGGER incident_grade_no_update BEFORE UPDATE ON incident_grade
    FOR EACH ROW EXECUTE FUNCTION fc_refuse_change('incident_grade is append-only');

-- What the handler was told about the caller: the evidence, so never changed.
CREATE TABLE contact_labels (
    contact_id bigint PRIMARY KEY REFERENCES contact (id),
    version text NOT NULL,
    prior_calls_12m integer NOT NULL,
    prior_calls_ever integer NOT NULL,
    is_repeat_victim integer NOT NULL CONSTRAINT is_repeat_victim CHECK (is_repeat_victim IN (0, 1)),
    is_persistent integer NOT NULL CONSTRAINT is_persistent CHECK (is_persistent IN (0, 1)),
    is_high_volume integer NOT NULL CONSTRAINT is_high_volume CHECK (is_high_volume IN (0, 1)),
    victim_incidents_12m integer NOT NULL,
    location_incidents_12m integer NOT NULL,
    is_repeat_location integer NOT NULL
        CONSTRAINT is_repeat_location CHECK (is_repeat_location IN (0, 1)),
    suspect_incidents_max integer NOT NULL,
    is_repeat_perpetrator integer NOT NULL
        CONSTRAINT is_repeat_perpetrator CHECK (is_repeat_perpetrator IN (0, 1)),
    flags_in_force integer NOT NULL,
    is_vulnerable integer NOT NULL CONSTRAINT is_vulnerable CHECK (is_vulnerable IN (0, 1)),
    vulnerable_basis text NOT NULL DEFAULT '',
    flags_shown text NOT NULL DEFAULT '[]' CONSTRAINT flags_shown CHECK (fc_json_ok(flags_shown)),
    trigger_count integer NOT NULL DEFAULT 0,
    trigger_prompted integer NOT NULL DEFAULT 0
        CONSTRAINT trigger_prompted CHECK (trigger_prompted IN (0, 1)),
    trigger_eligible integer NOT NULL DEFAULT 0
        CONSTRAINT trigger_eligible CHECK (trigger_eligible IN (0, 1)),
    shown_at bigint NOT NULL
);
CREATE TRIGGER contact_labels_no_update BEFORE UPDATE ON contact_labels
    FOR EACH ROW EXECUTE FUNCTION fc_refuse_change('contact_labels is immutable');

CREATE TABLE task (
    id bigserial PRIMARY KEY,
    incident_id bigint REFERENCES incident (id),
    case_id bigint,
    contact_id bigint REFERENCES contact (id),
    kind text NOT NULL CONSTRAINT kind CHECK (kind IN ('full_assessment', 'visit', 'call_back',
        'victim_update', 'review', 'partner_referral', 'action_plan', 'trigger_step')),
    rank text NOT NULL DEFAULT '',
    team_id text NOT NULL REFERENCES team (id),
    assignee_user_id bigint REFERENCES app_user (id),
    reason text,
    status text NOT NULL DEFAULT 'open'
        CONSTRAINT status CHECK (status IN ('open', 'done', 'cancelled')),
    due_at bigint NOT NULL,
    created_at bigint NOT NULL,
    completed_at bigint,
    completed_by bigint REFERENCES app_user (id),
    outcome text,
    escalated_at bigint,
    CONSTRAINT completed_at CHECK ((status = 'open') = (completed_at IS NULL)),
    CONSTRAINT incident_id CHECK (incident_id IS NOT NULL OR case_id IS NOT NULL)
);
-- one open task of a kind (and review rank) per incident: replanning never duplicates
CREATE UNIQUE INDEX task_open_once ON task (incident_id, kind, rank) WHERE status = 'open';
CREATE INDEX task_team_due ON task (team_id, status, due_at);
CREATE INDEX task_incident ON task (incident_id);

CREATE TABLE community_trigger (
    id bigserial PRIMARY KEY,
    version text NOT NULL,
    applicant_person_id bigint REFERENCES person (id),
    incident_id bigint REFERENCES incident (id),
    contact_id bigint REFERENCES contact (id),
    problem_key text,
    channel text NOT NULL CONSTRAINT channel CHECK (channel IN ('phone', 'online', 'open311',
        'partner_referral', 'letter', 'email', 'in_person')),
    is_third_party integer NOT NULL DEFAULT 0
        CONSTRAINT is_third_party CHECK (is_third_party IN (0, 1)),
    has_victim_consent integer NOT NULL DEFAULT 1,
    status text NOT NULL CONSTRAINT status CHECK (status IN ('open', 'threshold_met',
        'threshold_not_met', 'closed')),
    basis text,
    applicant_count integer NOT NULL DEFAULT 0,
    problem_people integer NOT NULL DEFAULT 0,
    applied_at bigint NOT NULL,
    decision_reason text,
    outcome text,
    created_by bigint REFERENCES app_user (id),
    -- s.104: a third party applies only with the victim's consent (PostgreSQL wants one
    -- constraint per name, so the value check and the consent rule share it)
    CONSTRAINT has_victim_consent CHECK (has_victim_consent IN (0, 1) AND
        (is_third_party = 0 OR has_victim_consent = 1))
);
CREATE INDEX community_trigger_applicant ON community_trigger (applicant_person_id, applied_at);
CREATE INDEX community_trigger_applied ON community_trigger (applied_at);

CREATE TABLE community_trigger_step (
    trigger_id bigint NOT NULL REFERENCES community_trigger (id),
    step text NOT NULL,
    seq integer NOT NULL,
    due_at bigint,
    done_at bigint,
    done_by bigint REFERENCES app_user (id),
    note text,
    PRIMARY KEY (trigger_id, step)
);

CREATE TABLE victim_update_plan (
    id bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incident (id),
    person_id bigint REFERENCES person (id),
    version text NOT NULL,
    frequency_wd integer NOT NULL CONSTRAINT frequency_wd CHECK (frequency_wd BETWEEN 1 AND 60),
    channel text NOT NULL,
    is_enhanced integer NOT NULL CONSTRAINT is_enhanced CHECK (is_enhanced IN (0, 1)),
    agreed_at bigint NOT NULL,
    agreed_by bigint REFERENCES app_user (id),
    next_due_at bigint
);
-- the newest plan for an incident is the one in force; earlier ones stay as history
CREATE INDEX victim_update_plan_incident ON victim_update_plan (incident_id, id);
CREATE INDEX victim_update_plan_due ON victim_update_plan (next_due_at)
    WHERE next_due_at IS NOT NULL;

CREATE TABLE victim_update (
    id bigserial PRIMARY KEY,
    plan_id bigint REFERENCES victim_update_plan (id),
    incident_id bigint NOT NULL REFERENCES incident (id),
    kind text NOT NULL CONSTRAINT kind CHECK (kind IN ('scheduled', 'key_event', 'closure')),
    event text,
    channel text NOT NULL,
    summary text,
    due_at bigint,
    sent_at bigint NOT NULL,
    sent_by bigint REFERENCES app_user (id)
);
CREATE INDEX victim_update_incident ON victim_update (incident_id, sent_at);

CREATE TABLE incident_closure (
    incident_id bigint PRIMARY KEY REFERENCES incident (id),
    closure_code text NOT NULL,
    outcome text NOT NULL CONSTRAINT outcome CHECK (length(trim(outcome)) > 0),
    case_id bigint,
    closed_by bigint REFERENCES app_user (id),
    closed_at bigint NOT NULL
);

CREATE TABLE survey_queue (
    id bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incident (id),
    person_id bigint REFERENCES person (id),
    contact_id bigint REFERENCES contact (id),
    reason text NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    queued_at bigint NOT NULL
);
CREATE UNIQUE INDEX survey_queue_once ON survey_queue (incident_id, person_id);
CREATE INDEX survey_queue_status ON survey_queue (status, queued_at);
