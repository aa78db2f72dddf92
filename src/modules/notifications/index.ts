// The notifications module's public face.
export { deliverNotifications, describeEmail, type Mailer, registerNotificationDelivery } from './delivery.ts';
export { registerNotificationRoutes } from './notifications.routes.ts';
export { notifications } from './notifications.schema.ts';
export { type Notice, notifyOrganisation, notifyRoles, notifyUsers } from './notify.ts';
