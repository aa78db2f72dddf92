import { customType } from 'drizzle-orm/pg-core';

/** Binary file content (attachments, evidence). pg returns a Buffer, PGlite a Uint8Array: both read as a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});
