/** Who did something, as the audit log records it: a signed-in user, an API token's owner, or the system/CLI. */
export type AuditActor = { id: string | null; name: string; ip?: string | null };

/** What every acting user carries, whatever the module (auth's Actor adds the role and scope). */
export type ActorRef = { userId: string; username: string; ip: string | null };

/** The audit log's name for an actor; none (a timer, the shipped data) is the system. */
export const auditActor = (a: ActorRef | null, ip?: string | null): AuditActor =>
  a ? { id: a.userId, name: a.username, ip: a.ip } : { id: null, name: 'system', ip: ip ?? null };
