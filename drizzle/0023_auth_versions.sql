-- Signed-in sessions reused between requests (src/modules/auth/session-cache.ts): a session's user, role and scope
-- are looked up again only after a write to users or sessions (sign-in, sign-out, revocation, a password, role,
-- organisation or disabled change), told by the same per-statement version counter as the dashboard figures.
INSERT INTO figure_versions (topic, version) VALUES ('auth', 0) ON CONFLICT (topic) DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER figure_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users"
	FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version('auth');
--> statement-breakpoint
CREATE TRIGGER figure_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sessions"
	FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version('auth');
