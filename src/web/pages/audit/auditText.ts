import type { TFunction } from 'i18next';
import type { AuditEntry } from '../../api/schema.gen.ts';

// The audit log in words: an action (`organisation.create`) as "Tạo cơ quan, đơn vị", an object type as
// "Cơ quan, đơn vị"; an action or type this version has no words for is shown as recorded.

type Exists = (key: string) => boolean;

export const actionText = (t: TFunction, exists: Exists, action: string) =>
  exists(`auditActions.${action}`) ? t(`auditActions.${action}`) : action;

export const entityTypeText = (t: TFunction, exists: Exists, type: string) =>
  exists(`auditEntityTypes.${type}`) ? t(`auditEntityTypes.${type}`) : type;

/** Who acted: the account's name (and its username when they differ), or the system. */
export function actorText(t: TFunction, e: Pick<AuditEntry, 'actorName' | 'actorDisplayName' | 'actorId'>) {
  if (!e.actorId && e.actorName === 'system') return t('audit.system');
  return e.actorDisplayName ?? e.actorName;
}
