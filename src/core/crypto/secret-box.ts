// Encryption at rest for the few secrets the database must be able to give back (TOTP seeds): a copy of the
// database — a dump, a backup, a stolen disk of the database server — does not reveal them without the key.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1.';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a random IV per value: "v1." + base64(iv | tag | ciphertext). */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES) throw new Error(`the secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
    return new SecretBox(key);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(VERSION);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plain value, or null when it was sealed with another key or altered. */
  open(sealed: string): string | null {
    if (!SecretBox.isSealed(sealed)) return null;
    const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

/** `KHIEN_SECRET_KEY` (base64 of 32 bytes), decoded; undefined when unset. */
export function parseSecretKey(base64: string | undefined): Buffer | undefined {
  if (!base64) return undefined;
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES)
    throw new Error(`KHIEN_SECRET_KEY must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
  return key;
}

/**
 * The key in `<dataDir>/secret.key`, created (random, readable by its owner only) on first use. On a server with
 * `DATABASE_URL`, the key then stays on the application host, away from the database and its backups.
 */
export function keyFileSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'secret.key');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  return parseSecretKey(readFileSync(path, 'utf8').trim()) as Buffer;
}
