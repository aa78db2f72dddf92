CREATE TABLE "soc_finding_organisations" (
	"finding_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	CONSTRAINT "soc_finding_organisations_finding_id_organisation_id_pk" PRIMARY KEY("finding_id","organisation_id")
);
--> statement-breakpoint
ALTER TABLE "soc_finding_organisations" ADD CONSTRAINT "soc_finding_organisations_finding_id_soc_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."soc_findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "soc_finding_organisations" ADD CONSTRAINT "soc_finding_organisations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "soc_finding_organisations_org_idx" ON "soc_finding_organisations" USING btree ("organisation_id");--> statement-breakpoint
-- Findings stored before this table concern the organisation they were attributed to.
INSERT INTO "soc_finding_organisations" ("finding_id", "organisation_id")
SELECT "id", "organisation_id" FROM "soc_findings" WHERE "organisation_id" IS NOT NULL;
