CREATE TYPE "public"."finding_status" AS ENUM('open', 'fixed', 'resolved', 'accepted', 'false_positive');--> statement-breakpoint
CREATE TYPE "public"."vuln_severity" AS ENUM('critical', 'high', 'medium', 'low', 'info');--> statement-breakpoint
CREATE TABLE "computers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host_key" text NOT NULL,
	"ip" "inet" NOT NULL,
	"hostname" text,
	"fqdn" text,
	"netbios" text,
	"mac" text,
	"os" text,
	"organisation_id" uuid,
	"attribution" text DEFAULT 'range' NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "computers_host_key_unique" UNIQUE("host_key")
);
--> statement-breakpoint
CREATE TABLE "kev_entries" (
	"cve_id" text PRIMARY KEY NOT NULL,
	"vendor" text,
	"product" text,
	"name" text,
	"date_added" date,
	"due_date" date,
	"known_ransomware" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "remediation_policy" (
	"severity" "vuln_severity" PRIMARY KEY NOT NULL,
	"due_days" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scan_computers" (
	"scan_id" uuid NOT NULL,
	"computer_id" uuid NOT NULL,
	CONSTRAINT "scan_computers_scan_id_computer_id_pk" PRIMARY KEY("scan_id","computer_id")
);
--> statement-breakpoint
CREATE TABLE "scan_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"scanned_at" timestamp with time zone NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" uuid,
	"hosts" integer NOT NULL,
	"findings" integer NOT NULL,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	CONSTRAINT "scan_imports_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
CREATE TABLE "vuln_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"computer_id" uuid NOT NULL,
	"organisation_id" uuid,
	"scanner" text NOT NULL,
	"scanner_id" text NOT NULL,
	"port" integer NOT NULL,
	"protocol" text NOT NULL,
	"service" text,
	"name" text NOT NULL,
	"severity" "vuln_severity" NOT NULL,
	"cvss2_score" real,
	"cvss2_vector" text,
	"cvss3_score" real,
	"cvss3_vector" text,
	"cves" text[] DEFAULT '{}'::text[] NOT NULL,
	"solution" text,
	"synopsis" text,
	"output" text,
	"known_exploited" boolean DEFAULT false NOT NULL,
	"status" "finding_status" DEFAULT 'open' NOT NULL,
	"status_reason" text,
	"status_changed_at" timestamp with time zone,
	"accepted_until" date,
	"requested_status" "finding_status",
	"requested_by" uuid,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"reopened_count" integer DEFAULT 0 NOT NULL,
	"last_scan_id" uuid
);
--> statement-breakpoint
ALTER TABLE "computers" ADD CONSTRAINT "computers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_computers" ADD CONSTRAINT "scan_computers_scan_id_scan_imports_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scan_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_computers" ADD CONSTRAINT "scan_computers_computer_id_computers_id_fk" FOREIGN KEY ("computer_id") REFERENCES "public"."computers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_imports" ADD CONSTRAINT "scan_imports_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD CONSTRAINT "vuln_findings_computer_id_computers_id_fk" FOREIGN KEY ("computer_id") REFERENCES "public"."computers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD CONSTRAINT "vuln_findings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD CONSTRAINT "vuln_findings_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vuln_findings" ADD CONSTRAINT "vuln_findings_last_scan_id_scan_imports_id_fk" FOREIGN KEY ("last_scan_id") REFERENCES "public"."scan_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "computers_org_idx" ON "computers" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "computers_ip_idx" ON "computers" USING btree ("ip");--> statement-breakpoint
CREATE INDEX "scan_computers_computer_idx" ON "scan_computers" USING btree ("computer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vuln_findings_identity_idx" ON "vuln_findings" USING btree ("computer_id","scanner","scanner_id","port","protocol");--> statement-breakpoint
CREATE INDEX "vuln_findings_org_idx" ON "vuln_findings" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "vuln_findings_status_idx" ON "vuln_findings" USING btree ("status","severity");--> statement-breakpoint
CREATE INDEX "vuln_findings_last_scan_idx" ON "vuln_findings" USING btree ("last_scan_id");