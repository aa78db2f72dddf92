CREATE TABLE "scan_websites" (
	"scan_id" uuid NOT NULL,
	"website_id" uuid NOT NULL,
	CONSTRAINT "scan_websites_scan_id_website_id_pk" PRIMARY KEY("scan_id","website_id")
);
--> statement-breakpoint
CREATE TABLE "vuln_finding_gaps" (
	"finding_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	CONSTRAINT "vuln_finding_gaps_finding_id_kind_starts_at_pk" PRIMARY KEY("finding_id","kind","starts_at")
);
--> statement-breakpoint
CREATE TABLE "websites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_key" text NOT NULL,
	"scheme" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"ip" "inet",
	"organisation_id" uuid,
	"site_id" uuid,
	"system_id" uuid,
	"attribution" text DEFAULT 'none' NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "websites_site_key_unique" UNIQUE("site_key")
);
--> statement-breakpoint
ALTER TABLE "vuln_findings" ALTER COLUMN "computer_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "scan_imports" ADD COLUMN "websites" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD COLUMN "website_id" uuid;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD COLUMN "cwes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD COLUMN "url" text;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "scan_websites" ADD CONSTRAINT "scan_websites_scan_id_scan_imports_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scan_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_websites" ADD CONSTRAINT "scan_websites_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vuln_finding_gaps" ADD CONSTRAINT "vuln_finding_gaps_finding_id_vuln_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."vuln_findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "websites" ADD CONSTRAINT "websites_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "websites" ADD CONSTRAINT "websites_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "websites" ADD CONSTRAINT "websites_system_id_information_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."information_systems"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scan_websites_website_idx" ON "scan_websites" USING btree ("website_id");--> statement-breakpoint
CREATE INDEX "websites_org_idx" ON "websites" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "websites_host_idx" ON "websites" USING btree ("host");--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD CONSTRAINT "vuln_findings_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "vuln_findings_web_identity_idx" ON "vuln_findings" USING btree ("website_id","scanner","scanner_id","location");--> statement-breakpoint
CREATE INDEX "vuln_findings_website_idx" ON "vuln_findings" USING btree ("website_id");--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD CONSTRAINT "vuln_findings_subject_ck" CHECK ((computer_id is null) <> (website_id is null));--> statement-breakpoint
-- A finding a later scan reports again keeps the spans it did not count in, so a period inside one keeps its figure:
-- `resolved` from the scan that no longer reported it to this one; `unseen` between sightings more than a year apart
-- (EVIDENCE_DAYS, no shorter than a year, decides which periods of such a span had no sighting before them).
CREATE OR REPLACE FUNCTION vuln_finding_keep_gaps() RETURNS trigger AS $$
BEGIN
  IF OLD.resolved_at IS NOT NULL AND NEW.resolved_at IS NULL THEN
    INSERT INTO vuln_finding_gaps (finding_id, kind, starts_at, ends_at)
      VALUES (OLD.id, 'resolved', OLD.resolved_at, coalesce(NEW.status_changed_at, NEW.last_seen))
      ON CONFLICT DO NOTHING;
  END IF;
  IF NEW.last_seen > OLD.last_seen + interval '365 days' THEN
    INSERT INTO vuln_finding_gaps (finding_id, kind, starts_at, ends_at)
      VALUES (OLD.id, 'unseen', OLD.last_seen, NEW.last_seen)
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER vuln_findings_keep_gaps AFTER UPDATE OF resolved_at, last_seen ON vuln_findings
  FOR EACH ROW WHEN ((OLD.resolved_at IS NOT NULL AND NEW.resolved_at IS NULL)
    OR NEW.last_seen > OLD.last_seen + interval '365 days')
  EXECUTE FUNCTION vuln_finding_keep_gaps();
