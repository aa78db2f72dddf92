import { resolve } from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from './crypto/secret-box.ts';

/** Runtime configuration, read once from the environment (see README "Configuration"). */
const ZConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  KHIEN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** "auto" marks the session cookie Secure when the request arrived over HTTPS (directly or via a trusted proxy). */
  KHIEN_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  KHIEN_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  KHIEN_SESSION_HOURS: z.coerce.number().positive().default(12),
  KHIEN_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  KHIEN_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  KHIEN_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(20),
  KHIEN_PUBLIC_URL: z.string().optional(),
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
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof ZConfig>['LOG_LEVEL'];
  cookieSecure: 'auto' | 'true' | 'false';
  trustProxy: boolean;
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
    trustProxy: e.KHIEN_TRUST_PROXY === 'true',
    sessionHours: e.KHIEN_SESSION_HOURS,
    loginMaxFailures: e.KHIEN_LOGIN_MAX_FAILURES,
    lockoutMinutes: e.KHIEN_LOCKOUT_MINUTES,
    loginRatePerMinute: e.KHIEN_LOGIN_RATE_PER_MINUTE,
    publicUrl: e.KHIEN_PUBLIC_URL,
    netflowPort: e.KHIEN_NETFLOW_PORT,
    syslogPort: e.KHIEN_SYSLOG_PORT,
    collectorHost: e.KHIEN_COLLECTOR_HOST ?? e.HOST,
    collectorAllow: e.KHIEN_COLLECTOR_ALLOW || undefined,
    syslogMaxConnections: e.KHIEN_SYSLOG_MAX_CONNECTIONS,
    syslogIdleSeconds: e.KHIEN_SYSLOG_IDLE_SECONDS,
    secretKey: parseSecretKey(e.KHIEN_SECRET_KEY),
    apiDocs: e.KHIEN_API_DOCS,
    ...overrides,
  };
}
