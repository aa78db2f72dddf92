CREATE TYPE "public"."dossier_state" AS ENUM('draft', 'submitted', 'under_appraisal', 'returned', 'approved');--> statement-breakpoint
CREATE TYPE "public"."layer_status" AS ENUM('missing', 'partial', 'in_place');--> statement-breakpoint
CREATE TYPE "public"."plan_item_status" AS ENUM('not_started', 'in_progress', 'done', 'not_applicable');--> statement-breakpoint
CREATE TYPE "public"."target_kind" AS ENUM('dossier_approved', 'plan_implemented');--> statement-breakpoint
CREATE TABLE "dossier_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dossier_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dossier_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dossier_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_state" "dossier_state",
	"to_state" "dossier_state" NOT NULL,
	"actor_id" uuid,
	"actor_name" text NOT NULL,
	"comment" text,
	"details" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "information_systems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"code" text,
	"name" text NOT NULL,
	"purpose" text,
	"system_type" text NOT NULL,
	"info_public" boolean DEFAULT true NOT NULL,
	"info_private" boolean DEFAULT false NOT NULL,
	"info_personal" boolean DEFAULT false NOT NULL,
	"personal_data_subjects" integer,
	"state_secret_grade" text DEFAULT 'none' NOT NULL,
	"online_service_level" integer DEFAULT 0 NOT NULL,
	"conditional_business" boolean DEFAULT false NOT NULL,
	"infrastructure_scope" text DEFAULT 'none' NOT NULL,
	"ics_works_grade" text DEFAULT 'none' NOT NULL,
	"national_24x7" boolean DEFAULT false NOT NULL,
	"national_database" boolean DEFAULT false NOT NULL,
	"international_interconnect" boolean DEFAULT false NOT NULL,
	"critical_list" boolean DEFAULT false NOT NULL,
	"user_count" integer,
	"users_description" text,
	"hosting" text,
	"owner_name" text,
	"operator_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "information_systems_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "level_dossiers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" uuid NOT NULL,
	"state" "dossier_state" DEFAULT 'draft' NOT NULL,
	"level" integer NOT NULL,
	"suggested_level" integer,
	"suggested_rule_id" text,
	"reason" text,
	"submitted_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"appraisal_ref" text,
	"appraised_at" timestamp with time zone,
	"return_comment" text,
	"decision_number" text,
	"decision_date" date,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "programme_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"kind" "target_kind" NOT NULL,
	"deadline" date NOT NULL,
	"organisation_id" uuid,
	"legal_basis" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "protection_layers" (
	"system_id" uuid NOT NULL,
	"layer" integer NOT NULL,
	"status" "layer_status" NOT NULL,
	"provider" text,
	"evidence" text,
	"last_inspection_date" date,
	"next_inspection_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "protection_layers_system_id_layer_pk" PRIMARY KEY("system_id","layer")
);
--> statement-breakpoint
CREATE TABLE "security_plan_items" (
	"system_id" uuid NOT NULL,
	"item_code" text NOT NULL,
	"status" "plan_item_status" NOT NULL,
	"evidence" text,
	"reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "security_plan_items_system_id_item_code_pk" PRIMARY KEY("system_id","item_code")
);
--> statement-breakpoint
CREATE TABLE "system_hosts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" uuid NOT NULL,
	"hostname" text,
	"address" "cidr" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "system_software" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" uuid NOT NULL,
	"name" text NOT NULL,
	"vendor" text,
	"version" text,
	"cpe" text
);
--> statement-breakpoint
ALTER TABLE "dossier_attachments" ADD CONSTRAINT "dossier_attachments_dossier_id_level_dossiers_id_fk" FOREIGN KEY ("dossier_id") REFERENCES "public"."level_dossiers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dossier_attachments" ADD CONSTRAINT "dossier_attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dossier_events" ADD CONSTRAINT "dossier_events_dossier_id_level_dossiers_id_fk" FOREIGN KEY ("dossier_id") REFERENCES "public"."level_dossiers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dossier_events" ADD CONSTRAINT "dossier_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "information_systems" ADD CONSTRAINT "information_systems_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "level_dossiers" ADD CONSTRAINT "level_dossiers_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_targets" ADD CONSTRAINT "programme_targets_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "protection_layers" ADD CONSTRAINT "protection_layers_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_plan_items" ADD CONSTRAINT "security_plan_items_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_hosts" ADD CONSTRAINT "system_hosts_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_software" ADD CONSTRAINT "system_software_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dossier_attachments_dossier_idx" ON "dossier_attachments" USING btree ("dossier_id");--> statement-breakpoint
CREATE INDEX "dossier_attachments_uploader_idx" ON "dossier_attachments" USING btree ("uploaded_by");--> statement-breakpoint
CREATE INDEX "dossier_events_dossier_idx" ON "dossier_events" USING btree ("dossier_id");--> statement-breakpoint
CREATE INDEX "dossier_events_actor_idx" ON "dossier_events" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "information_systems_org_idx" ON "information_systems" USING btree ("organisation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "information_systems_org_name_uq" ON "information_systems" USING btree ("organisation_id","name");--> statement-breakpoint
CREATE INDEX "level_dossiers_system_idx" ON "level_dossiers" USING btree ("system_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_user_dedupe_uq" ON "notifications" USING btree ("user_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "programme_targets_org_idx" ON "programme_targets" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "system_hosts_system_idx" ON "system_hosts" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "system_software_system_idx" ON "system_software" USING btree ("system_id");