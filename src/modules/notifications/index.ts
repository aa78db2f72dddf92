// The notifications module's public face.
export { notifications } from './notifications.schema.ts';
