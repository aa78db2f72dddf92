// A real SMTP server for tests: Debian's aiosmtpd (apt install python3-aiosmtpd) started on a free 127.0.0.1 port,
// storing what it receives in a Maildir that Python's own e-mail parser reads back (MIME decoding done by a real
// mail library, not by the test). Missing: null with a plain "SKIPPED" line, or an error when KHIEN_REQUIRE_ALL=1
// (as in CI), so nothing skips silently there.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A message as received: envelope recipients, decoded headers and parts. */
export type Received = { rcptTo: string; from: string; to: string; subject: string; text: string; html: string };

export type SmtpServer = {
  url: string;
  /** Messages received since the last call (each is read once). */
  take(): Received[];
  stop(): Promise<void>;
};

// The Debian package installs into the system Python; a `python3` earlier on PATH (pyenv…) may lack it.
const PYTHON = ['python3', '/usr/bin/python3'].find(
  (py) => spawnSync(py, ['-c', 'import aiosmtpd'], { stdio: 'ignore' }).status === 0,
);

const READ_MAILDIR = `
import json, mailbox, sys
from email import message_from_bytes, policy
out = []
box = mailbox.Maildir(sys.argv[1], create=False)
for key in sorted(box.keys()):
    m = message_from_bytes(box.get_bytes(key), policy=policy.default)
    body = lambda kind: (lambda b: b.get_content() if b else '')(m.get_body((kind,)))
    out.append({'rcptTo': m['X-RcptTo'], 'from': str(m['From']), 'to': str(m['To']), 'subject': str(m['Subject']),
                'text': body('plain'), 'html': body('html')})
    box.remove(key)
print(json.dumps(out))
`;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

export async function startSmtpServer(): Promise<SmtpServer | null> {
  if (!PYTHON) {
    const message = 'no python3 with aiosmtpd (apt install python3-aiosmtpd)';
    if (process.env.KHIEN_REQUIRE_ALL === '1')
      throw new Error(`SMTP server required (KHIEN_REQUIRE_ALL=1) but ${message}`);
    console.warn(`SKIPPED: e-mail delivery through a real SMTP server — ${message}`);
    return null;
  }
  const root = mkdtempSync(join(tmpdir(), 'khien-smtp-'));
  // aiosmtpd creates the Maildir (cur/, new/, tmp/) only when its folder does not exist yet.
  const dir = join(root, 'maildir');
  const port = await freePort();
  const child: ChildProcess = spawn(
    PYTHON,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', dir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  for (let i = 0; !(await accepts(port)); i++) {
    if (child.exitCode !== null || i > 100) {
      child.kill();
      throw new Error(`aiosmtpd did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `smtp://127.0.0.1:${port}`,
    take() {
      if (!existsSync(join(dir, 'new')) || !readdirSync(join(dir, 'new')).length) return [];
      const r = spawnSync(PYTHON, ['-c', READ_MAILDIR, dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`reading the maildir failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as Received[];
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
