/** Who did something, as the audit log records it: a signed-in user, an API token's owner, or the system/CLI. */
export type AuditActor = { id: string | null; name: string; ip?: string | null };

/** What every acting user carries, whatever the module (auth's Actor adds the role and scope). */
export type ActorRef = { userId: string; username: string; ip: string | null };

/** The audit log's name for an actor; none (a timer, the shipped data) is the system. */
export const auditActor = (a: ActorRef | null, ip?: string | null): AuditActor =>
  a ? { id: a.userId, name: a.username, ip: a.ip } : { id: null, name: 'system', ip: ip ?? null };

/** The command line's actor has no row in `users` (its id is the nil UUID), so what it writes names no author. */
export const CLI_USER_ID = '00000000-0000-0000-0000-000000000000';

/** The user a record's author column (a foreign key to `users`) may hold: null for the command line. */
export const userRef = (a: Pick<ActorRef, 'userId'>): string | null => (a.userId === CLI_USER_ID ? null : a.userId);
