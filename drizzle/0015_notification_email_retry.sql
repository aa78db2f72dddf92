ALTER TABLE "notifications" ADD COLUMN "email_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "email_retry_at" timestamp with time zone;--> statement-breakpoint
-- Links stored before they named the web UI's pages (/systems/<id>[/<tab>]) become those pages, so that e-mails can carry them.
UPDATE "notifications" SET "link" = regexp_replace("link", '^/systems/([0-9a-f-]{36})/(\w+)$', '/systems/view?id=\1&tab=\2') WHERE "link" ~ '^/systems/[0-9a-f-]{36}/\w+$';--> statement-breakpoint
UPDATE "notifications" SET "link" = regexp_replace("link", '^/systems/([0-9a-f-]{36})$', '/systems/view?id=\1') WHERE "link" ~ '^/systems/[0-9a-f-]{36}$';
