import { resolve } from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from './crypto/secret-box.ts';
import { parseCidr } from './net/ip.ts';

/** An empty variable (`KHIEN_SMTP_URL=` in a compose file) counts as unset. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Runtime configuration, read once from the environment (see README "Configuration"). */
const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  KHIEN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** "auto" marks the session cookie Secure when the request arrived over HTTPS (directly or via a trusted proxy). */
  KHIEN_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /**
   * Whose X-Forwarded-* headers to believe: `false`, `true` (a proxy on this machine: 127.0.0.1 and ::1), or the
   * proxies' addresses and networks, comma-separated (`10.0.0.5,10.1.0.0/24`).
   */
  KHIEN_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      if (v === 'false') return false as const;
      if (v === 'true') return ['127.0.0.1', '::1'];
      const list = v.split(',').map((a) => a.trim());
      const bad = list.filter((a) => parseCidr(a) === null);
      if (bad.length) {
        ctx.addIssue({
          code: 'custom',
          message: `true, false, or IP addresses/networks separated by commas; not ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
        });
        return z.NEVER;
      }
      return list;
    }),
  KHIEN_SESSION_HOURS: z.coerce.number().positive().default(12),
  KHIEN_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  KHIEN_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  KHIEN_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** The address users reach: base of the links printed and e-mailed. */
  KHIEN_PUBLIC_URL: optional(
    z.url({ protocol: /^https?$/, error: 'KHIEN_PUBLIC_URL: an http:// or https:// address' }),
  ),
  /** E-mail through an SMTP server: smtp://[user:pass@]host[:port] or smtps://… (TLS from the start); unset: in-app only. */
  KHIEN_SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: 'KHIEN_SMTP_URL: an smtp:// or smtps:// address' })),
  /** The sender of the e-mails, e.g. "Khiên <khien@example.gov.vn>". */
  KHIEN_SMTP_FROM: optional(z.string()),
  /** The hour (0–23, province time) of the daily digest of non-urgent notifications. */
  KHIEN_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  /** SOC collectors, off unless a port is given: NetFlow v5/v9/IPFIX (UDP) and firewall syslog (UDP + TCP). */
  KHIEN_NETFLOW_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KHIEN_SYSLOG_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KHIEN_COLLECTOR_HOST: z.string().optional(),
  /** Senders the collectors accept (addresses and CIDRs, comma-separated); default: everyone. */
  KHIEN_COLLECTOR_ALLOW: z.string().optional(),
  KHIEN_SYSLOG_MAX_CONNECTIONS: z.coerce.number().int().positive().default(256),
  KHIEN_SYSLOG_IDLE_SECONDS: z.coerce.number().positive().default(300),
  /** Key (base64 of 32 bytes) sealing secrets stored in the database; default: `<KHIEN_DATA_DIR>/secret.key`. */
  KHIEN_SECRET_KEY: z.string().optional(),
  /** Who may read the API description (/api/docs): anyone, signed-in users and API tokens, or nobody (README). */
  KHIEN_API_DOCS: z.enum(['public', 'session', 'off']).default('session'),
  /** Website trust checks: DNS servers to ask (comma-separated ip[:port]; default the system's), extra CA file (PEM). */
  KHIEN_SITES_DNS: optional(z.string()),
  KHIEN_SITES_CA_FILE: optional(z.string()),
  /** The hour (0–23, province time) of the daily website trust checks. */
  KHIEN_SITES_CHECK_HOUR: z.coerce.number().int().min(0).max(23).default(2),
  /** Nightly backup (docs/backup.md): the folder (unset: off), the hour (province time), how many files are kept. */
  KHIEN_BACKUP_DIR: optional(z.string()),
  KHIEN_BACKUP_HOUR: z.coerce.number().int().min(0).max(23).default(1),
  KHIEN_BACKUP_KEEP: z.coerce.number().int().positive().default(14),
});

const ZConfig = ZEnv.superRefine((e, ctx) => {
  // An e-mail without a sender is refused by servers, and one without an absolute link leaves the reader stranded.
  if (!e.KHIEN_SMTP_URL) return;
  if (!e.KHIEN_SMTP_FROM)
    ctx.addIssue({ code: 'custom', path: ['KHIEN_SMTP_FROM'], message: 'required when KHIEN_SMTP_URL is set' });
  if (!e.KHIEN_PUBLIC_URL)
    ctx.addIssue({ code: 'custom', path: ['KHIEN_PUBLIC_URL'], message: 'required when KHIEN_SMTP_URL is set' });
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof ZConfig>['LOG_LEVEL'];
  cookieSecure: 'auto' | 'true' | 'false';
  /** The reverse proxies whose forwarded headers are believed (addresses or CIDR networks), or false: none. */
  trustProxy: string[] | false;
  sessionHours: number;
  loginMaxFailures: number;
  lockoutMinutes: number;
  loginRatePerMinute: number;
  publicUrl: string | undefined;
  netflowPort: number | undefined;
  syslogPort: number | undefined;
  collectorHost: string;
  /** KHIEN_COLLECTOR_ALLOW as written (parsed, and refused if malformed, when the collectors start). */
  collectorAllow: string | undefined;
  syslogMaxConnections: number;
  syslogIdleSeconds: number;
  /** From KHIEN_SECRET_KEY; undefined: the key file in `dataDir` (created on first start). */
  secretKey: Buffer | undefined;
  apiDocs: 'public' | 'session' | 'off';
  /** Where e-mail goes out (KHIEN_SMTP_URL, KHIEN_SMTP_FROM); undefined: notifications stay in the app. */
  smtp: { url: string; from: string } | undefined;
  /** Hour of the daily digest, province time (KHIEN_DIGEST_HOUR). */
  digestHour: number;
  /** Website trust checks (KHIEN_SITES_DNS, KHIEN_SITES_CA_FILE, KHIEN_SITES_CHECK_HOUR). */
  sites: { dnsServers: string[] | undefined; caFile: string | undefined; checkHour: number };
  /** Nightly backup (KHIEN_BACKUP_DIR, KHIEN_BACKUP_HOUR, KHIEN_BACKUP_KEEP); undefined: off. */
  backup: { dir: string; hour: number; keep: number } | undefined;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const e = ZConfig.parse(env);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.KHIEN_DATA_DIR),
    databaseUrl: e.DATABASE_URL || undefined,
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.KHIEN_COOKIE_SECURE,
    trustProxy: e.KHIEN_TRUST_PROXY,
    sessionHours: e.KHIEN_SESSION_HOURS,
    loginMaxFailures: e.KHIEN_LOGIN_MAX_FAILURES,
    lockoutMinutes: e.KHIEN_LOCKOUT_MINUTES,
    loginRatePerMinute: e.KHIEN_LOGIN_RATE_PER_MINUTE,
    publicUrl: e.KHIEN_PUBLIC_URL?.replace(/\/+$/, ''),
    netflowPort: e.KHIEN_NETFLOW_PORT,
    syslogPort: e.KHIEN_SYSLOG_PORT,
    collectorHost: e.KHIEN_COLLECTOR_HOST ?? e.HOST,
    collectorAllow: e.KHIEN_COLLECTOR_ALLOW || undefined,
    syslogMaxConnections: e.KHIEN_SYSLOG_MAX_CONNECTIONS,
    syslogIdleSeconds: e.KHIEN_SYSLOG_IDLE_SECONDS,
    secretKey: parseSecretKey(e.KHIEN_SECRET_KEY),
    apiDocs: e.KHIEN_API_DOCS,
    smtp: e.KHIEN_SMTP_URL ? { url: e.KHIEN_SMTP_URL, from: e.KHIEN_SMTP_FROM as string } : undefined,
    digestHour: e.KHIEN_DIGEST_HOUR,
    sites: {
      dnsServers: e.KHIEN_SITES_DNS?.split(',')
        .map((v) => v.trim())
        .filter(Boolean),
      caFile: e.KHIEN_SITES_CA_FILE,
      checkHour: e.KHIEN_SITES_CHECK_HOUR,
    },
    backup: e.KHIEN_BACKUP_DIR
      ? { dir: resolve(e.KHIEN_BACKUP_DIR), hour: e.KHIEN_BACKUP_HOUR, keep: e.KHIEN_BACKUP_KEEP }
      : undefined,
    ...overrides,
  };
}
