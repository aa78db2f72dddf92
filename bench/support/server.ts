// The compiled server as users run it (`node bin/khien.mjs serve`, nothing compiled here: run `npm run build:server`
// first), in its own process so the load generator never shares its event loop; and signing in to it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/khien.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type RunningServer = {
  base: string;
  pid: number;
  /** The server's resident set and its peak (VmHWM), in MB. */
  memory: () => { rss: number; hwm: number };
  exited: () => boolean;
  stop: () => Promise<void>;
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** Runs `khien serve` with `env` (its database: KHIEN_DATA_DIR, or DATABASE_URL) and waits until it answers. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  void gone.then(() => {
    exited = true;
  });
  const base = `http://127.0.0.1:${port}`;
  const pid = child.pid as number;
  for (;;) {
    if (exited) throw new Error('the server stopped during start');
    const healthy = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    await sleep(200);
  }
  return {
    base,
    pid,
    memory: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
      return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
    },
    exited: () => exited,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Signs `username` in and returns the session cookie (`khien_sid=…`) to send. */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('khien_sid='));
  if (!cookie) throw new Error(`sign-in ${username}: no session cookie`);
  return cookie.split(';')[0] as string;
}
