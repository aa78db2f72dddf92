CREATE TABLE "inspection_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inspection_id" uuid NOT NULL,
	"system_id" uuid,
	"level" integer,
	"content" text NOT NULL,
	"item_code" text NOT NULL,
	"text_vi" text NOT NULL,
	"text_en" text NOT NULL,
	"legal_basis" text NOT NULL,
	"evidence" text,
	"position" integer NOT NULL,
	"result" text,
	"note" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inspection_finding_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"finding_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"text" text,
	"evidence" text,
	"on_day" date NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"user_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inspection_id" uuid NOT NULL,
	"severity" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"system_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"due_on" date NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"found_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"organisation_id" uuid NOT NULL,
	"title" text NOT NULL,
	"decision_ref" text,
	"decision_date" date,
	"team" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_systems" (
	"inspection_id" uuid NOT NULL,
	"system_id" uuid NOT NULL,
	CONSTRAINT "inspection_systems_inspection_id_system_id_pk" PRIMARY KEY("inspection_id","system_id")
);
--> statement-breakpoint
CREATE TABLE "inspections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"inspector_organisation_id" uuid NOT NULL,
	"state" text DEFAULT 'planned' NOT NULL,
	"planned_start" date NOT NULL,
	"planned_end" date NOT NULL,
	"team" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notice_on" date,
	"started_on" date,
	"ended_on" date,
	"concluded_on" date,
	"closed_on" date,
	"summary" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_task_progress" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"organisation_id" uuid,
	"day" date NOT NULL,
	"value" double precision NOT NULL,
	"numerator" integer,
	"denominator" integer,
	"note" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_ref" text NOT NULL,
	"number" text NOT NULL,
	"title_vi" text NOT NULL,
	"title_en" text NOT NULL,
	"indicator" text NOT NULL,
	"unit" text NOT NULL,
	"target" double precision NOT NULL,
	"comparison" text DEFAULT 'at_least' NOT NULL,
	"deadline" date,
	"organisation_id" uuid,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"legal_basis" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "official_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"organisation_id" uuid NOT NULL,
	"year" integer,
	"half" integer,
	"inspection_id" uuid,
	"subject_organisation_id" uuid,
	"period_from" date,
	"period_to" date,
	"symbol" text NOT NULL,
	"title" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"issued_by" uuid,
	"issued_at" timestamp with time zone,
	"issued_on" date,
	"number_year" integer,
	"number" integer,
	"recipients" jsonb,
	"figures" jsonb,
	"docx" "bytea",
	"docx_sha256" text,
	"pdf" "bytea",
	"pdf_sha256" text,
	CONSTRAINT "official_reports_number" UNIQUE("organisation_id","number_year","number")
);
--> statement-breakpoint
ALTER TABLE "inspection_checks" ADD CONSTRAINT "inspection_checks_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_checks" ADD CONSTRAINT "inspection_checks_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_checks" ADD CONSTRAINT "inspection_checks_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_finding_events" ADD CONSTRAINT "inspection_finding_events_finding_id_inspection_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."inspection_findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_finding_events" ADD CONSTRAINT "inspection_finding_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_plans" ADD CONSTRAINT "inspection_plans_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_plans" ADD CONSTRAINT "inspection_plans_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_systems" ADD CONSTRAINT "inspection_systems_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_systems" ADD CONSTRAINT "inspection_systems_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_plan_id_inspection_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."inspection_plans"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_inspector_organisation_id_organisations_id_fk" FOREIGN KEY ("inspector_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_task_progress" ADD CONSTRAINT "order_task_progress_task_id_order_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."order_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_task_progress" ADD CONSTRAINT "order_task_progress_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_task_progress" ADD CONSTRAINT "order_task_progress_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_tasks" ADD CONSTRAINT "order_tasks_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_reports" ADD CONSTRAINT "official_reports_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_reports" ADD CONSTRAINT "official_reports_subject_organisation_id_organisations_id_fk" FOREIGN KEY ("subject_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_reports" ADD CONSTRAINT "official_reports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_reports" ADD CONSTRAINT "official_reports_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_reports" ADD CONSTRAINT "official_reports_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inspection_checks_inspection_idx" ON "inspection_checks" USING btree ("inspection_id","position");--> statement-breakpoint
CREATE INDEX "inspection_checks_system_idx" ON "inspection_checks" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "inspection_finding_events_finding_idx" ON "inspection_finding_events" USING btree ("finding_id","at");--> statement-breakpoint
CREATE INDEX "inspection_findings_inspection_idx" ON "inspection_findings" USING btree ("inspection_id");--> statement-breakpoint
CREATE INDEX "inspection_findings_org_idx" ON "inspection_findings" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "inspection_findings_system_idx" ON "inspection_findings" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "inspection_plans_org_idx" ON "inspection_plans" USING btree ("organisation_id","year");--> statement-breakpoint
CREATE INDEX "inspection_systems_system_idx" ON "inspection_systems" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "inspections_plan_idx" ON "inspections" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "inspections_org_idx" ON "inspections" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "inspections_inspector_idx" ON "inspections" USING btree ("inspector_organisation_id");--> statement-breakpoint
CREATE INDEX "inspections_start_idx" ON "inspections" USING btree ("planned_start");--> statement-breakpoint
CREATE INDEX "order_task_progress_task_idx" ON "order_task_progress" USING btree ("task_id","day");--> statement-breakpoint
CREATE INDEX "order_task_progress_org_idx" ON "order_task_progress" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "order_task_progress_user_idx" ON "order_task_progress" USING btree ("recorded_by");--> statement-breakpoint
CREATE INDEX "order_tasks_org_idx" ON "order_tasks" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "order_tasks_valid_idx" ON "order_tasks" USING btree ("valid_from");--> statement-breakpoint
CREATE INDEX "official_reports_organisation_id_index" ON "official_reports" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "official_reports_subject_organisation_id_index" ON "official_reports" USING btree ("subject_organisation_id");--> statement-breakpoint
CREATE INDEX "official_reports_created_by_index" ON "official_reports" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "official_reports_approved_by_index" ON "official_reports" USING btree ("approved_by");--> statement-breakpoint
CREATE INDEX "official_reports_issued_by_index" ON "official_reports" USING btree ("issued_by");