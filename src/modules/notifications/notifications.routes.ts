import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { ZNotification, ZNotificationsRead } from './notifications.contract.ts';
import { listNotifications, markNotificationsRead } from './notifications.service.ts';

/** The signed-in user's own notifications (the bell): every role, own rows only. */
export function registerNotificationRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/notifications',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['notifications'],
        summary: 'The signed-in user’s notifications, newest first',
        // Not z.coerce.boolean(): that reads "false" as true.
        querystring: z.object({ unread: z.enum(['true', 'false']).optional().describe('only the unread ones') }),
        response: { 200: z.array(ZNotification) },
      },
    },
    async (req) => listNotifications(db, actorOf(req), { unread: req.query.unread === 'true' }),
  );
  r.post(
    '/api/notifications/:id/read',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of the caller’s notifications read',
        params: z.object({ id: z.uuid() }),
        response: { 200: ZNotificationsRead },
      },
    },
    async (req) => markNotificationsRead(db, actorOf(req), req.params.id),
  );
  r.post(
    '/api/notifications/read-all',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark all of the caller’s notifications read',
        response: { 200: ZNotificationsRead },
      },
    },
    async (req) => markNotificationsRead(db, actorOf(req), null),
  );
}
