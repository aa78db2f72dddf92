// The notifications module's public face.
export { notifications } from './notifications.schema.ts';
export { type Notice, notifyOrganisation, notifyRoles, notifyUsers } from './notify.ts';
