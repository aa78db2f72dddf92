CREATE TABLE "incident_soc_findings" (
	"incident_id" uuid NOT NULL,
	"finding_id" uuid NOT NULL,
	CONSTRAINT "incident_soc_findings_incident_id_finding_id_pk" PRIMARY KEY("incident_id","finding_id")
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "contact_position" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "beyond_capability_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "severity_basis" jsonb;--> statement-breakpoint
ALTER TABLE "incident_soc_findings" ADD CONSTRAINT "incident_soc_findings_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_soc_findings" ADD CONSTRAINT "incident_soc_findings_finding_id_soc_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."soc_findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_soc_findings_finding_idx" ON "incident_soc_findings" USING btree ("finding_id");