import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { zInstant } from '../../core/contract.ts';
import { notifications } from './notifications.schema.ts';

/**
 * One of the signed-in user's notifications (`link`: a page of the web UI, e.g. /systems/view?id=…&tab=dossier).
 * `emailedAt` tells whether it also went out by e-mail; delivery errors and retries are the administrator's.
 */
export const ZNotification = createSelectSchema(notifications, {
  createdAt: zInstant,
  readAt: zInstant.nullable(),
  emailedAt: zInstant.nullable(),
})
  .pick({
    id: true,
    kind: true,
    title: true,
    body: true,
    link: true,
    urgent: true,
    createdAt: true,
    readAt: true,
    emailedAt: true,
  })
  .meta({ id: 'Notification' });

export const ZNotificationsRead = z
  .object({ updated: z.number().int().describe('how many notifications were marked read') })
  .meta({ id: 'NotificationsRead' });
