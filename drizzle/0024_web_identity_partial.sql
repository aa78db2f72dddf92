-- Scan import writes fewer index entries per finding: the website index repeated the leading column of the web
-- identity index, and the web identity index held every host finding under a null website.
DROP INDEX "vuln_findings_website_idx";--> statement-breakpoint
DROP INDEX "vuln_findings_web_identity_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "vuln_findings_web_identity_idx" ON "vuln_findings" USING btree ("website_id","scanner","scanner_id","location") WHERE website_id is not null;