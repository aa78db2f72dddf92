-- Versioned dashboard figures (src/core/figure-cache.ts, docs/figures.md): every table a dashboard figure reads
-- bumps its topic's version once per statement that writes it, in the writing transaction, so a cached figure is
-- reused only while the versions it was computed at are still the committed ones. Tables no figure reads (audit
-- log, sessions, login failures, API tokens, users, notifications, phishing, residents, official reports, threat
-- intel) have no trigger: their churn never invalidates a figure.
CREATE TABLE "figure_versions" (
	"topic" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION "bump_figure_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO figure_versions (topic, version) VALUES (TG_ARGV[0], 1)
	ON CONFLICT (topic) DO UPDATE SET version = figure_versions.version + 1;
	RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
		('organisations', 'org'), ('organisation_ip_ranges', 'org'),
		('legal_rules', 'rules'), ('competent_bodies', 'rules'), ('calendar_days', 'rules'), ('rule_sets', 'rules'),
		('scan_imports', 'vuln'), ('computers', 'vuln'), ('websites', 'vuln'), ('vuln_findings', 'vuln'),
		('vuln_finding_gaps', 'vuln'), ('scan_websites', 'vuln'), ('scan_computers', 'vuln'), ('kev_entries', 'vuln'),
		('remediation_policy', 'vuln'), ('computer_software', 'vuln'),
		('soc_ingests', 'soc'), ('soc_findings', 'soc'), ('soc_sightings', 'soc'), ('soc_finding_organisations', 'soc'),
		('information_systems', 'systems'), ('system_hosts', 'systems'), ('system_software', 'systems'),
		('level_dossiers', 'systems'), ('dossier_events', 'systems'), ('dossier_attachments', 'systems'),
		('security_plan_items', 'systems'), ('security_plan_item_history', 'systems'), ('protection_layers', 'systems'),
		('protection_layer_history', 'systems'), ('information_system_history', 'systems'),
		('programme_targets', 'systems'),
		('sites', 'sites'), ('site_checks', 'sites'), ('site_check_runs', 'sites'), ('vn_indicators', 'sites'),
		('order_tasks', 'oversight'), ('order_task_progress', 'oversight'),
		('advisories', 'advisories'), ('advisory_products', 'advisories'), ('advisory_attachments', 'advisories'),
		('advisory_organisations', 'advisories'), ('advisory_targets', 'advisories'),
		('awareness_campaigns', 'awareness'), ('awareness_activities', 'awareness'),
		('awareness_evidence', 'awareness'), ('commune_population', 'awareness'),
		('drills', 'drills'), ('drill_systems', 'drills'), ('drill_teams', 'drills'), ('drill_participants', 'drills'),
		('drill_findings', 'drills'),
		('incidents', 'incidents'), ('incident_soc_findings', 'incidents'), ('incident_organisations', 'incidents'),
		('incident_systems', 'incidents'), ('incident_steps', 'incidents'), ('incident_tasks', 'incidents'),
		('incident_evidence', 'incidents'), ('incident_reports', 'incidents'), ('response_team_members', 'incidents'),
		('on_call_shifts', 'incidents'),
		('inspection_plans', 'inspections'), ('inspections', 'inspections'), ('inspection_systems', 'inspections'),
		('inspection_checks', 'inspections'), ('inspection_findings', 'inspections'),
		('inspection_finding_events', 'inspections'),
		('staff_members', 'staff')
	) AS t(tbl, topic) LOOP
		EXECUTE format('CREATE TRIGGER figure_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
			'FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version(%L)', r.tbl, r.topic);
		INSERT INTO figure_versions (topic, version) VALUES (r.topic, 0) ON CONFLICT (topic) DO NOTHING;
	END LOOP;
END $$;
