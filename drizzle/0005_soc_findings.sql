CREATE TYPE "public"."soc_finding_kind" AS ENUM('scanner', 'malicious_contact');--> statement-breakpoint
CREATE TYPE "public"."soc_triage" AS ENUM('new', 'confirmed', 'false_positive', 'escalated');--> statement-breakpoint
CREATE TABLE "soc_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "soc_finding_kind" NOT NULL,
	"dedupe_key" text NOT NULL,
	"ip" "inet" NOT NULL,
	"organisation_id" uuid,
	"attribution" text,
	"internal" boolean NOT NULL,
	"scan_kind" text,
	"slow" boolean,
	"indicator" text,
	"indicator_type" text,
	"indicator_source" text,
	"direction" text,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "soc_triage" DEFAULT 'new' NOT NULL,
	"triage_note" text,
	"triaged_by" uuid,
	"triaged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "soc_findings_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "soc_ingests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"format" text,
	"sha256" text,
	"events" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"created_by" uuid,
	CONSTRAINT "soc_ingests_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
CREATE TABLE "soc_sightings" (
	"finding_id" uuid NOT NULL,
	"ingest_id" uuid NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"distinct_targets" integer,
	"distinct_ports" integer,
	CONSTRAINT "soc_sightings_finding_id_ingest_id_pk" PRIMARY KEY("finding_id","ingest_id")
);
--> statement-breakpoint
CREATE TABLE "threat_indicators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"value" text NOT NULL,
	"source" text NOT NULL,
	"confidence" integer,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"external_id" text,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "soc_findings" ADD CONSTRAINT "soc_findings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "soc_findings" ADD CONSTRAINT "soc_findings_triaged_by_users_id_fk" FOREIGN KEY ("triaged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "soc_ingests" ADD CONSTRAINT "soc_ingests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "soc_sightings" ADD CONSTRAINT "soc_sightings_finding_id_soc_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."soc_findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "soc_sightings" ADD CONSTRAINT "soc_sightings_ingest_id_soc_ingests_id_fk" FOREIGN KEY ("ingest_id") REFERENCES "public"."soc_ingests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "soc_findings_org_idx" ON "soc_findings" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "soc_findings_kind_idx" ON "soc_findings" USING btree ("kind","last_seen");--> statement-breakpoint
CREATE INDEX "soc_sightings_ingest_idx" ON "soc_sightings" USING btree ("ingest_id");--> statement-breakpoint
CREATE INDEX "soc_sightings_time_idx" ON "soc_sightings" USING btree ("first_seen","last_seen");--> statement-breakpoint
CREATE UNIQUE INDEX "threat_indicators_identity_idx" ON "threat_indicators" USING btree ("type","value","source");