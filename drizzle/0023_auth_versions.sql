-- Signed-in sessions reused between requests (authenticateSession): a session's user, role and scope are looked up
-- again only after a write to users or sessions (sign-in, sign-out, revocation, a password, role, organisation or
-- disabled change), told by the same per-statement version counter as the dashboard figures.
INSERT INTO figure_versions (topic, version) VALUES ('auth', 0) ON CONFLICT (topic) DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER figure_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users"
	FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version('auth');
--> statement-breakpoint
CREATE TRIGGER figure_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sessions"
	FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version('auth');
--> statement-breakpoint
-- The bump also notifies (delivered at commit, once per topic and transaction): the embedded database, which only
-- its own process writes, then keeps the versions in memory instead of reading them on every request.
CREATE OR REPLACE FUNCTION "bump_figure_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO figure_versions (topic, version) VALUES (TG_ARGV[0], 1)
	ON CONFLICT (topic) DO UPDATE SET version = figure_versions.version + 1;
	PERFORM pg_notify('figure_versions', TG_ARGV[0]);
	RETURN NULL;
END $$;
