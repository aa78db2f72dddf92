ALTER TABLE "advisory_products" ADD COLUMN "range_text" text;--> statement-breakpoint
ALTER TABLE "advisory_products" ADD COLUMN "cves" text[] DEFAULT '{}'::text[] NOT NULL;