// Per-recipient links: the recipient's id and an HMAC-SHA256 of it under a key derived from the server secret
// (KHIEN_SECRET_KEY or <data dir>/secret.key, as app.ts uses). Only the server can make one; the id alone (even
// guessed) is useless, and a token is checked in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../core/config.ts';
import { keyFileSecret } from '../../core/crypto/secret-box.ts';

/** The links' own key: the server secret is never used directly, so a link reveals nothing about it. */
export function phishingLinkKey(config: Pick<Config, 'secretKey' | 'dataDir'>): Buffer {
  const secret = config.secretKey ?? keyFileSecret(config.dataDir);
  return createHmac('sha256', secret).update('khien/phishing-links/v1').digest();
}

const mac = (key: Buffer, recipientId: string) =>
  createHmac('sha256', key).update(`recipient:${recipientId}`).digest('base64url');

export const linkToken = (key: Buffer, recipientId: string) => `${recipientId}.${mac(key, recipientId)}`;

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** The recipient id a token was made for, or null when it is malformed or not signed with this key. */
export function verifyLinkToken(key: Buffer, token: string): string | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const [, id, given] = m as unknown as [string, string, string];
  // The text itself is compared, not its decoded bytes: the last of 43 characters carries 2 unused bits, so decoding
  // would take four spellings of one signature.
  const a = Buffer.from(given);
  const b = Buffer.from(mac(key, id));
  return a.length === b.length && timingSafeEqual(a, b) ? id : null;
}

/** The public paths a recipient's mail and landing page use (no /api: no login, outside the API description). */
export const landingPath = (token: string) => `/xac-thuc/${token}`;
export const pixelPath = (token: string) => `/xac-thuc/${token}/logo.gif`;
export const reportPath = (token: string) => `/xac-thuc/${token}/bao-cao`;
