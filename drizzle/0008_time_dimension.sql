CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"legal_basis" text NOT NULL,
	"confirmed" boolean DEFAULT true NOT NULL,
	"origin" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "competent_bodies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"organisation_code" text,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"legal_basis" text NOT NULL,
	"confirmed" boolean DEFAULT true NOT NULL,
	"note" text,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "legal_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"document" text NOT NULL,
	"article" text,
	"clause" text,
	"point" text,
	"text_vi" text NOT NULL,
	"text_en" text NOT NULL,
	"data" jsonb NOT NULL,
	"confirmed" boolean DEFAULT true NOT NULL,
	"note" text,
	"origin" text NOT NULL,
	"rule_set" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_sets" (
	"name" text PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"sha256" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "information_system_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" uuid NOT NULL,
	"attributes" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "protection_layer_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" uuid NOT NULL,
	"layer" integer NOT NULL,
	"status" "layer_status" NOT NULL,
	"provider" text,
	"evidence" text,
	"last_inspection_date" date,
	"at" timestamp with time zone NOT NULL,
	"actor_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "security_plan_item_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" uuid NOT NULL,
	"item_code" text NOT NULL,
	"status" "plan_item_status" NOT NULL,
	"evidence" text,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	"actor_name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organisation_ip_ranges" DROP CONSTRAINT "organisation_ip_ranges_cidr_unique";--> statement-breakpoint
ALTER TABLE "organisations" DROP CONSTRAINT "organisations_code_unique";--> statement-breakpoint
ALTER TABLE "organisation_ip_ranges" ADD COLUMN "valid_from" date;--> statement-breakpoint
ALTER TABLE "organisation_ip_ranges" ADD COLUMN "valid_to" date;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "owner_body_code" text;--> statement-breakpoint
ALTER TABLE "dossier_attachments" ADD COLUMN "component" text;--> statement-breakpoint
ALTER TABLE "dossier_events" ADD COLUMN "effective_on" date;--> statement-breakpoint
UPDATE "dossier_events" e SET "effective_on" = coalesce(
  CASE WHEN e."action" = 'approve' THEN (SELECT d."decision_date" FROM "level_dossiers" d WHERE d."id" = e."dossier_id") END,
  (e."at" AT TIME ZONE 'Asia/Ho_Chi_Minh')::date);--> statement-breakpoint
ALTER TABLE "dossier_events" ALTER COLUMN "effective_on" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "information_systems" ADD COLUMN "security_harm" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "information_systems" ADD COLUMN "national_security_works" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "information_systems" ADD COLUMN "in_service_from" date;--> statement-breakpoint
ALTER TABLE "information_system_history" ADD CONSTRAINT "information_system_history_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "protection_layer_history" ADD CONSTRAINT "protection_layer_history_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_plan_item_history" ADD CONSTRAINT "security_plan_item_history_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "competent_bodies_version_uq" ON "competent_bodies" USING btree ("code","valid_from");--> statement-breakpoint
CREATE INDEX "competent_bodies_role_idx" ON "competent_bodies" USING btree ("role");--> statement-breakpoint
CREATE UNIQUE INDEX "legal_rules_version_uq" ON "legal_rules" USING btree ("kind","key","valid_from","origin");--> statement-breakpoint
CREATE INDEX "legal_rules_kind_idx" ON "legal_rules" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "information_system_history_system_idx" ON "information_system_history" USING btree ("system_id","at");--> statement-breakpoint
CREATE INDEX "protection_layer_history_system_idx" ON "protection_layer_history" USING btree ("system_id","at");--> statement-breakpoint
CREATE INDEX "security_plan_item_history_system_idx" ON "security_plan_item_history" USING btree ("system_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_ip_ranges_period_uq" ON "organisation_ip_ranges" USING btree ("cidr",coalesce("valid_from", '0001-01-01'::date));--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_code_period_uq" ON "organisations" USING btree ("code",coalesce("valid_from", '0001-01-01'::date));--> statement-breakpoint
INSERT INTO "security_plan_item_history" ("system_id", "item_code", "status", "evidence", "reason", "at", "actor_name")
  SELECT "system_id", "item_code", "status", "evidence", "reason", "updated_at", 'migration' FROM "security_plan_items";--> statement-breakpoint
INSERT INTO "protection_layer_history" ("system_id", "layer", "status", "provider", "evidence", "last_inspection_date", "at", "actor_name")
  SELECT "system_id", "layer", "status", "provider", "evidence", "last_inspection_date", "updated_at", 'migration' FROM "protection_layers";
