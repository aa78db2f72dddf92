CREATE TABLE "awareness_activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"day" date NOT NULL,
	"channel" text NOT NULL,
	"people_reached" integer NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "awareness_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"legal_basis" text,
	"channels" text[] NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "awareness_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"activity_id" uuid NOT NULL,
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
CREATE TABLE "commune_population" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"valid_from" date NOT NULL,
	"population" integer NOT NULL,
	"aged_15_69" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drill_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"drill_id" uuid NOT NULL,
	"severity" text NOT NULL,
	"system_id" uuid,
	"description" text NOT NULL,
	"task_organisation_id" uuid,
	"task_due_on" date,
	"task_state" text,
	"task_note" text,
	"task_done_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drill_participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"drill_id" uuid NOT NULL,
	"staff_member_id" uuid,
	"team_member_id" uuid,
	"team_id" uuid,
	"full_name" text NOT NULL,
	"email" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"attended" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drill_systems" (
	"drill_id" uuid NOT NULL,
	"system_id" uuid NOT NULL,
	CONSTRAINT "drill_systems_drill_id_system_id_pk" PRIMARY KEY("drill_id","system_id")
);
--> statement-breakpoint
CREATE TABLE "drill_teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"drill_id" uuid NOT NULL,
	"name" text NOT NULL,
	"side" text NOT NULL,
	"attack_points" integer,
	"defence_points" integer,
	"availability_points" integer
);
--> statement-breakpoint
CREATE TABLE "drills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"organiser_id" uuid NOT NULL,
	"state" text DEFAULT 'planned' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"drill_day" date NOT NULL,
	"description" text,
	"tools" text,
	"exploitation_depth" text,
	"window_starts_at" timestamp with time zone,
	"window_ends_at" timestamp with time zone,
	"lessons" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phishing_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"subject" text NOT NULL,
	"sender_name" text NOT NULL,
	"sender_address" text NOT NULL,
	"body" text NOT NULL,
	"lesson_text" text NOT NULL,
	"rate_per_minute" integer NOT NULL,
	"organisation_ids" uuid[] NOT NULL,
	"recipients_on" date NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"launched_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phishing_recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"full_name" text NOT NULL,
	"email" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"sent_at" timestamp with time zone,
	"send_attempts" integer DEFAULT 0 NOT NULL,
	"send_retry_at" timestamp with time zone,
	"send_error" text,
	"opened_at" timestamp with time zone,
	"clicked_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"reported_at" timestamp with time zone,
	CONSTRAINT "phishing_recipients_campaign_email" UNIQUE("campaign_id","email")
);
--> statement-breakpoint
CREATE TABLE "resident_guidance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"position" integer DEFAULT 100 NOT NULL,
	"published" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resident_warnings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"body" text NOT NULL,
	"category" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"published_on" date,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scam_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"category" text NOT NULL,
	"description" text NOT NULL,
	"suspect" text,
	"reporter_name" text,
	"reporter_contact" text,
	"fingerprint" text NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"triage_note" text,
	"forwarded_to" text,
	"handled_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scam_reports_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "site_check_runs" (
	"day" date PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "site_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"verdict" text NOT NULL,
	"results" jsonb NOT NULL,
	"certificate_valid_to" timestamp with time zone,
	"trigger" text NOT NULL,
	"criteria_rule" text,
	"created_by" uuid
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"host" text NOT NULL,
	"url" text NOT NULL,
	"kind" text DEFAULT 'website' NOT NULL,
	"state_body" boolean NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vn_indicators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"indicator" text NOT NULL,
	"value" double precision NOT NULL,
	"source" text,
	"imported_by" uuid,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"full_name" text NOT NULL,
	"position" text,
	"duty" text NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "awareness_activities" ADD CONSTRAINT "awareness_activities_campaign_id_awareness_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."awareness_campaigns"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awareness_activities" ADD CONSTRAINT "awareness_activities_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awareness_activities" ADD CONSTRAINT "awareness_activities_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awareness_campaigns" ADD CONSTRAINT "awareness_campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awareness_evidence" ADD CONSTRAINT "awareness_evidence_activity_id_awareness_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."awareness_activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awareness_evidence" ADD CONSTRAINT "awareness_evidence_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commune_population" ADD CONSTRAINT "commune_population_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_findings" ADD CONSTRAINT "drill_findings_drill_id_drills_id_fk" FOREIGN KEY ("drill_id") REFERENCES "public"."drills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_findings" ADD CONSTRAINT "drill_findings_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_findings" ADD CONSTRAINT "drill_findings_task_organisation_id_organisations_id_fk" FOREIGN KEY ("task_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_findings" ADD CONSTRAINT "drill_findings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_participants" ADD CONSTRAINT "drill_participants_drill_id_drills_id_fk" FOREIGN KEY ("drill_id") REFERENCES "public"."drills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_participants" ADD CONSTRAINT "drill_participants_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_participants" ADD CONSTRAINT "drill_participants_team_member_id_response_team_members_id_fk" FOREIGN KEY ("team_member_id") REFERENCES "public"."response_team_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_participants" ADD CONSTRAINT "drill_participants_team_id_drill_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."drill_teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_participants" ADD CONSTRAINT "drill_participants_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_systems" ADD CONSTRAINT "drill_systems_drill_id_drills_id_fk" FOREIGN KEY ("drill_id") REFERENCES "public"."drills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_systems" ADD CONSTRAINT "drill_systems_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_teams" ADD CONSTRAINT "drill_teams_drill_id_drills_id_fk" FOREIGN KEY ("drill_id") REFERENCES "public"."drills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drills" ADD CONSTRAINT "drills_organiser_id_organisations_id_fk" FOREIGN KEY ("organiser_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drills" ADD CONSTRAINT "drills_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phishing_campaigns" ADD CONSTRAINT "phishing_campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phishing_campaigns" ADD CONSTRAINT "phishing_campaigns_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phishing_campaigns" ADD CONSTRAINT "phishing_campaigns_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phishing_recipients" ADD CONSTRAINT "phishing_recipients_campaign_id_phishing_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."phishing_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phishing_recipients" ADD CONSTRAINT "phishing_recipients_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_guidance" ADD CONSTRAINT "resident_guidance_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resident_warnings" ADD CONSTRAINT "resident_warnings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scam_reports" ADD CONSTRAINT "scam_reports_handled_by_users_id_fk" FOREIGN KEY ("handled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_checks" ADD CONSTRAINT "site_checks_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_checks" ADD CONSTRAINT "site_checks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vn_indicators" ADD CONSTRAINT "vn_indicators_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "awareness_activities_campaign_idx" ON "awareness_activities" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "awareness_activities_org_day_idx" ON "awareness_activities" USING btree ("organisation_id","day");--> statement-breakpoint
CREATE INDEX "awareness_activities_created_by_idx" ON "awareness_activities" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "awareness_campaigns_created_by_idx" ON "awareness_campaigns" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "awareness_evidence_activity_idx" ON "awareness_evidence" USING btree ("activity_id");--> statement-breakpoint
CREATE INDEX "awareness_evidence_uploaded_by_idx" ON "awareness_evidence" USING btree ("uploaded_by");--> statement-breakpoint
CREATE UNIQUE INDEX "commune_population_org_day_uq" ON "commune_population" USING btree ("organisation_id","valid_from");--> statement-breakpoint
CREATE INDEX "drill_findings_drill_idx" ON "drill_findings" USING btree ("drill_id");--> statement-breakpoint
CREATE INDEX "drill_findings_task_org_idx" ON "drill_findings" USING btree ("task_organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "drill_participants_person_uq" ON "drill_participants" USING btree ("drill_id","email");--> statement-breakpoint
CREATE INDEX "drill_participants_email_idx" ON "drill_participants" USING btree ("email");--> statement-breakpoint
CREATE INDEX "drill_participants_org_idx" ON "drill_participants" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "drill_systems_system_idx" ON "drill_systems" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "drill_teams_drill_idx" ON "drill_teams" USING btree ("drill_id");--> statement-breakpoint
CREATE INDEX "drills_organiser_idx" ON "drills" USING btree ("organiser_id");--> statement-breakpoint
CREATE INDEX "drills_day_idx" ON "drills" USING btree ("drill_day","state");--> statement-breakpoint
CREATE INDEX "phishing_recipients_organisation_id_index" ON "phishing_recipients" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "resident_guidance_created_by_idx" ON "resident_guidance" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "resident_warnings_state_idx" ON "resident_warnings" USING btree ("state","published_on");--> statement-breakpoint
CREATE INDEX "resident_warnings_created_by_idx" ON "resident_warnings" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "scam_reports_state_idx" ON "scam_reports" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "scam_reports_fingerprint_idx" ON "scam_reports" USING btree ("fingerprint","created_at");--> statement-breakpoint
CREATE INDEX "scam_reports_handled_by_idx" ON "scam_reports" USING btree ("handled_by");--> statement-breakpoint
CREATE INDEX "site_checks_site_idx" ON "site_checks" USING btree ("site_id","checked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sites_host_uq" ON "sites" USING btree ("host");--> statement-breakpoint
CREATE INDEX "sites_org_idx" ON "sites" USING btree ("organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vn_indicators_period_uq" ON "vn_indicators" USING btree ("period","indicator");--> statement-breakpoint
CREATE INDEX "staff_members_org_idx" ON "staff_members" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "staff_members_email_idx" ON "staff_members" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_members_appointment_uq" ON "staff_members" USING btree ("organisation_id","email","valid_from");