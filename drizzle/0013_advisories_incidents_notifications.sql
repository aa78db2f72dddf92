CREATE TABLE "advisories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"revision" text,
	"source_body" text,
	"source_number" text,
	"title" text NOT NULL,
	"summary" text,
	"severity" "vuln_severity" NOT NULL,
	"cvss_score" real,
	"cvss_vector" text,
	"cves" text[] DEFAULT '{}'::text[] NOT NULL,
	"known_exploited_cves" text[] DEFAULT '{}'::text[] NOT NULL,
	"remediations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"references" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"issued_on" date,
	"acknowledge_by" date,
	"act_by" date,
	"state" text DEFAULT 'draft' NOT NULL,
	"file_sha256" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" uuid,
	CONSTRAINT "advisories_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "advisory_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"advisory_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisory_organisations" (
	"advisory_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"notified_at" timestamp with time zone,
	"acknowledge_by" date,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"escalated_at" timestamp with time zone,
	"escalated_to" text,
	CONSTRAINT "advisory_organisations_advisory_id_organisation_id_pk" PRIMARY KEY("advisory_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "advisory_products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"advisory_id" uuid NOT NULL,
	"product_ref" text,
	"vendor" text,
	"product" text NOT NULL,
	"version" text,
	"version_start_including" text,
	"version_start_excluding" text,
	"version_end_including" text,
	"version_end_excluding" text,
	"cpe" text,
	"purl" text,
	"status" text DEFAULT 'known_affected' NOT NULL,
	"remediation" text,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisory_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"advisory_id" uuid NOT NULL,
	"target_key" text NOT NULL,
	"organisation_id" uuid,
	"system_id" uuid,
	"computer_id" uuid,
	"finding_id" uuid,
	"cidr" text,
	"reason" text NOT NULL,
	"match_detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"added_by" uuid,
	"response" text DEFAULT 'pending' NOT NULL,
	"response_note" text,
	"responded_by" uuid,
	"responded_at" timestamp with time zone,
	"risk_decision" text,
	"risk_decided_by" uuid,
	"risk_decided_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"note" text,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_organisations" (
	"incident_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	CONSTRAINT "incident_organisations_incident_id_organisation_id_pk" PRIMARY KEY("incident_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "incident_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"form" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" uuid,
	"recipients" text[] DEFAULT '{}'::text[] NOT NULL,
	"sha256" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"step" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"note" text NOT NULL,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_systems" (
	"incident_id" uuid NOT NULL,
	"system_id" uuid NOT NULL,
	CONSTRAINT "incident_systems_incident_id_system_id_pk" PRIMARY KEY("incident_id","system_id")
);
--> statement-breakpoint
CREATE TABLE "incident_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"title" text NOT NULL,
	"member_id" uuid,
	"assignee_id" uuid,
	"due_on" date,
	"done_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"owner_name" text,
	"system_id" uuid,
	"detected_at" timestamp with time zone NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"contact_email" text,
	"type" text NOT NULL,
	"description" text,
	"damage" text,
	"spread" text,
	"provider" text,
	"actions_taken" text,
	"helpers" text,
	"results" text,
	"proposals" text,
	"severity_factors" text[] DEFAULT '{}'::text[] NOT NULL,
	"beyond_capability" boolean DEFAULT false NOT NULL,
	"severity" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"soc_finding_id" uuid,
	"vuln_finding_id" uuid,
	"notified_at" timestamp with time zone,
	"response_ended_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "on_call_shifts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "response_team_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"full_name" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"team_role" text DEFAULT 'member' NOT NULL,
	"position" text,
	"expertise" text,
	"phone" text NOT NULL,
	"email" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"contact_changed_at" timestamp with time zone,
	"contact_reported_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "computer_software" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"computer_id" uuid NOT NULL,
	"organisation_id" uuid,
	"key" text NOT NULL,
	"vendor" text,
	"product" text NOT NULL,
	"version" text,
	"cpe" text,
	"port" integer,
	"protocol" text,
	"service" text,
	"scanner" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"last_scan_id" uuid
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "emailed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "email_error" text;--> statement-breakpoint
ALTER TABLE "advisories" ADD CONSTRAINT "advisories_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisories" ADD CONSTRAINT "advisories_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_attachments" ADD CONSTRAINT "advisory_attachments_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_attachments" ADD CONSTRAINT "advisory_attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_organisations" ADD CONSTRAINT "advisory_organisations_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_organisations" ADD CONSTRAINT "advisory_organisations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_organisations" ADD CONSTRAINT "advisory_organisations_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_products" ADD CONSTRAINT "advisory_products_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_computer_id_computers_id_fk" FOREIGN KEY ("computer_id") REFERENCES "public"."computers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_finding_id_vuln_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."vuln_findings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_responded_by_users_id_fk" FOREIGN KEY ("responded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_targets" ADD CONSTRAINT "advisory_targets_risk_decided_by_users_id_fk" FOREIGN KEY ("risk_decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_evidence" ADD CONSTRAINT "incident_evidence_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_evidence" ADD CONSTRAINT "incident_evidence_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_organisations" ADD CONSTRAINT "incident_organisations_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_organisations" ADD CONSTRAINT "incident_organisations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_steps" ADD CONSTRAINT "incident_steps_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_steps" ADD CONSTRAINT "incident_steps_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_systems" ADD CONSTRAINT "incident_systems_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_systems" ADD CONSTRAINT "incident_systems_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_tasks" ADD CONSTRAINT "incident_tasks_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_tasks" ADD CONSTRAINT "incident_tasks_member_id_response_team_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."response_team_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_tasks" ADD CONSTRAINT "incident_tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_tasks" ADD CONSTRAINT "incident_tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_soc_finding_id_soc_findings_id_fk" FOREIGN KEY ("soc_finding_id") REFERENCES "public"."soc_findings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_vuln_finding_id_vuln_findings_id_fk" FOREIGN KEY ("vuln_finding_id") REFERENCES "public"."vuln_findings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_member_id_response_team_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."response_team_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_team_members" ADD CONSTRAINT "response_team_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_team_members" ADD CONSTRAINT "response_team_members_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "computer_software" ADD CONSTRAINT "computer_software_computer_id_computers_id_fk" FOREIGN KEY ("computer_id") REFERENCES "public"."computers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "computer_software" ADD CONSTRAINT "computer_software_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "computer_software" ADD CONSTRAINT "computer_software_last_scan_id_scan_imports_id_fk" FOREIGN KEY ("last_scan_id") REFERENCES "public"."scan_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "advisories_state_idx" ON "advisories" USING btree ("state","issued_on");--> statement-breakpoint
CREATE INDEX "advisory_attachments_advisory_idx" ON "advisory_attachments" USING btree ("advisory_id");--> statement-breakpoint
CREATE INDEX "advisory_organisations_org_idx" ON "advisory_organisations" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "advisory_products_advisory_idx" ON "advisory_products" USING btree ("advisory_id");--> statement-breakpoint
CREATE UNIQUE INDEX "advisory_targets_key_uq" ON "advisory_targets" USING btree ("advisory_id","target_key");--> statement-breakpoint
CREATE INDEX "advisory_targets_org_idx" ON "advisory_targets" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "advisory_targets_computer_idx" ON "advisory_targets" USING btree ("computer_id");--> statement-breakpoint
CREATE INDEX "advisory_targets_system_idx" ON "advisory_targets" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "advisory_targets_finding_idx" ON "advisory_targets" USING btree ("finding_id");--> statement-breakpoint
CREATE INDEX "incident_evidence_incident_idx" ON "incident_evidence" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "incident_organisations_org_idx" ON "incident_organisations" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "incident_reports_incident_idx" ON "incident_reports" USING btree ("incident_id","form");--> statement-breakpoint
CREATE INDEX "incident_steps_incident_idx" ON "incident_steps" USING btree ("incident_id","at");--> statement-breakpoint
CREATE INDEX "incident_systems_system_idx" ON "incident_systems" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "incident_tasks_incident_idx" ON "incident_tasks" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "incident_tasks_member_idx" ON "incident_tasks" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "incident_tasks_assignee_idx" ON "incident_tasks" USING btree ("assignee_id");--> statement-breakpoint
CREATE INDEX "incidents_org_idx" ON "incidents" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "incidents_state_idx" ON "incidents" USING btree ("state","detected_at");--> statement-breakpoint
CREATE INDEX "incidents_system_idx" ON "incidents" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "incidents_soc_finding_idx" ON "incidents" USING btree ("soc_finding_id");--> statement-breakpoint
CREATE INDEX "incidents_vuln_finding_idx" ON "incidents" USING btree ("vuln_finding_id");--> statement-breakpoint
CREATE INDEX "on_call_shifts_member_idx" ON "on_call_shifts" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "on_call_shifts_time_idx" ON "on_call_shifts" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "response_team_members_org_idx" ON "response_team_members" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "response_team_members_user_idx" ON "response_team_members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "computer_software_key_uq" ON "computer_software" USING btree ("computer_id","key");--> statement-breakpoint
CREATE INDEX "computer_software_org_idx" ON "computer_software" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "computer_software_product_idx" ON "computer_software" USING btree ("product");--> statement-breakpoint
CREATE INDEX "computer_software_last_scan_idx" ON "computer_software" USING btree ("last_scan_id");--> statement-breakpoint
CREATE INDEX "notifications_unsent_idx" ON "notifications" USING btree ("user_id","emailed_at");