// deploy/nginx/khien.conf in front of a real server: Debian's nginx in the foreground on free ports, TLS from a
// throwaway CA, the server built in-process on a fresh embedded database. Without nginx the proxy part is skipped
// with a "SKIPPED" line (an error when KHIEN_REQUIRE_ALL=1, as in CI); the checks of the server's own proxy handling
// and of the body limits against the template run always.
import { type ChildProcess, spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/core/config.ts';
import type { Database } from '../../src/core/db/client.ts';
import { ZAuditListQuery } from '../../src/modules/audit/audit.input.ts';
import { listAudit } from '../../src/modules/audit/audit.list.ts';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import { buildApp } from '../../src/server/app.ts';
import { PASSWORD } from '../support/app.ts';
import { openTestDatabase, testConfig } from '../support/db.ts';
import { createTestCa } from '../support/netns-sites.ts';

const TEMPLATE = resolve(import.meta.dirname, '../../deploy/nginx/khien.conf');
const MiB = 1024 * 1024;

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
if (!NGINX) {
  if (process.env.KHIEN_REQUIRE_ALL === '1') throw new Error('nginx required (KHIEN_REQUIRE_ALL=1) but not found');
  console.warn('SKIPPED: HTTPS reverse proxy tests — no nginx binary (apt-get install nginx-light)');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The server with one user per role needed, signed in through `inject` or not at all. */
async function startServer(config: Config) {
  const database = await openTestDatabase('pglite');
  const app = await buildApp({ database, config, setup: { token: null } });
  await createUser(database.db, null, {
    username: 'admin',
    displayName: 'admin',
    role: 'admin',
    organisationId: null,
    scopeIncludesChildren: true,
    password: PASSWORD,
  });
  return { database, app };
}

const loginIps = async (database: Database) =>
  (await listAudit(database.db, ZAuditListQuery.parse({ action: 'auth.login.success', limit: 100 }))).items.map(
    (e) => e.ip,
  );

describe('the server behind a proxy (KHIEN_TRUST_PROXY)', () => {
  const login = (app: FastifyInstance, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
      headers,
      remoteAddress: '127.0.0.1',
    });

  it('off: X-Forwarded-For and X-Forwarded-Proto are ignored — the peer address, no Secure cookie, no HSTS', async () => {
    const { database, app } = await startServer(testConfig({ trustProxy: false }));
    try {
      const res = await login(app, { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.cookies.find((c) => c.name === 'khien_sid')?.secure).toBeFalsy();
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(await loginIps(database)).toEqual(['127.0.0.1']);
    } finally {
      await app.close();
      await database.close();
    }
  }, 180_000);

  it('on: the address the proxy saw (last X-Forwarded-For entry), Secure cookie and HSTS over HTTPS only', async () => {
    const { database, app } = await startServer(testConfig({ trustProxy: ['127.0.0.1', '::1'] }));
    try {
      // The client wrote the first entry itself; the proxy appended the address it saw.
      const https = await login(app, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'x-forwarded-proto': 'https' });
      expect(https.statusCode, https.body).toBe(200);
      expect(https.cookies.find((c) => c.name === 'khien_sid')).toMatchObject({ secure: true, httpOnly: true });
      expect(https.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const http = await login(app, { 'x-forwarded-for': '198.51.100.8', 'x-forwarded-proto': 'http' });
      expect(http.cookies.find((c) => c.name === 'khien_sid')?.secure).toBeFalsy();
      expect(http.headers['strict-transport-security']).toBeUndefined();
      expect(await loginIps(database)).toEqual(['198.51.100.8', '198.51.100.7']);
    } finally {
      await app.close();
      await database.close();
    }
  }, 180_000);

  it('a proxy on another machine: only its own address is believed, given as an address or a network', async () => {
    const { database, app } = await startServer(testConfig({ trustProxy: ['10.9.8.7', 'fd00:1::/64'] }));
    try {
      const from = (remoteAddress: string) =>
        app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'admin', password: PASSWORD },
          headers: { 'x-forwarded-for': '198.51.100.20', 'x-forwarded-proto': 'https' },
          remoteAddress,
        });
      const proxied = await from('10.9.8.7');
      expect(proxied.cookies.find((c) => c.name === 'khien_sid')?.secure).toBe(true);
      const v6 = await from('fd00:1::5');
      expect(v6.cookies.find((c) => c.name === 'khien_sid')?.secure).toBe(true);
      // This machine is not the proxy any more: its headers are ignored like anyone's.
      const local = await from('127.0.0.1');
      expect(local.cookies.find((c) => c.name === 'khien_sid')?.secure).toBeFalsy();
      expect(await loginIps(database)).toEqual(['127.0.0.1', '198.51.100.20', '198.51.100.20']);
    } finally {
      await app.close();
      await database.close();
    }
  }, 180_000);

  it('KHIEN_TRUST_PROXY: true means this machine; a list of addresses and networks; anything else is refused', () => {
    const trust = (v: string) => loadConfig({ KHIEN_TRUST_PROXY: v }).trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('true')).toEqual(['127.0.0.1', '::1']);
    expect(trust('10.0.0.5, 10.1.0.0/24,fd00::/8')).toEqual(['10.0.0.5', '10.1.0.0/24', 'fd00::/8']);
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.1/8/9', 'fd00::/129', 'proxy.example', '10.0.0.5,'])
      expect(() => trust(bad), bad).toThrow(/KHIEN_TRUST_PROXY|IP addresses/);
  });
});

type Location = { match: string; exact: boolean; limit: number | undefined };

const SIZE = /^(\d+)([kmg]?)$/i;
function bytes(size: string): number {
  const [, n, unit] = SIZE.exec(size) ?? [];
  if (!n) throw new Error(`client_max_body_size ${size}: not a size`);
  return Number(n) * 1024 ** ' kmg'.indexOf((unit || ' ').toLowerCase());
}

/** The HTTPS server block's own body limit and its locations (the template nests no location in another). */
function templateLimits(text: string) {
  const https = text.slice(text.indexOf('listen 443'));
  const locations: Location[] = [];
  const outside = https.replace(/location\s+(=\s*)?(\S+)\s*\{([^}]*)\}/g, (_all, exact, match, body) => {
    const size = /client_max_body_size\s+(\S+);/.exec(body)?.[1];
    locations.push({ match, exact: !!exact, limit: size ? bytes(size) : undefined });
    return '';
  });
  const server = /client_max_body_size\s+(\S+);/.exec(outside)?.[1];
  if (!server) throw new Error('no client_max_body_size in the HTTPS server block');
  return { server: bytes(server), locations };
}

/** nginx's choice for a path: an exact match, else the longest prefix. */
function locationFor(locations: Location[], path: string): Location {
  const exact = locations.find((l) => l.exact && l.match === path);
  if (exact) return exact;
  const prefixes = locations.filter((l) => !l.exact && path.startsWith(l.match));
  const longest = prefixes.sort((a, b) => b.match.length - a.match.length)[0];
  if (!longest) throw new Error(`no location serves ${path}`);
  return longest;
}

describe('body limits of deploy/nginx/khien.conf', () => {
  it('each location allows the largest body the routes it serves accept, and no more', async () => {
    const routes: { method: string; url: string; bodyLimit: number | undefined }[] = [];
    // Fastify announces each new instance on this channel: the hook sees every route buildApp declares.
    const onInit = (message: unknown) =>
      (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (r: RouteOptions) => {
        for (const method of [r.method].flat()) routes.push({ method, url: r.url, bodyLimit: r.bodyLimit });
      });
    subscribe('fastify.initialization', onInit);
    const database = await openTestDatabase('pglite');
    let app: FastifyInstance | undefined;
    try {
      app = await buildApp({ database, config: testConfig() });
    } finally {
      unsubscribe('fastify.initialization', onInit);
      await app?.close();
      await database.close();
    }
    const defaultLimit = app.initialConfig.bodyLimit ?? 0;
    const { server, locations } = templateLimits(readFileSync(TEMPLATE, 'utf8'));
    const served = new Map<Location, number>();
    for (const r of routes.filter((x) => !['GET', 'HEAD', 'OPTIONS'].includes(x.method))) {
      const location = locationFor(locations, r.url);
      served.set(location, Math.max(served.get(location) ?? 0, r.bodyLimit ?? defaultLimit));
    }
    expect(served.size).toBeGreaterThan(1);
    const report = [...served].map(([l, most]) => ({ location: l.match, nginx: l.limit ?? server, server: most }));
    expect(report).toEqual(report.map((x) => ({ ...x, nginx: x.server })));
    // The largest uploads each have their own location (not the 20 MiB of everything else).
    expect(report.find((x) => x.location === '/api/soc/logs')?.nginx).toBe(4 * 1024 * MiB);
  }, 180_000);
});

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

describe.skipIf(!NGINX)('deploy/nginx/khien.conf in front of the server', () => {
  let dir: string;
  let nginx: ChildProcess;
  let database: Database;
  let app: FastifyInstance;
  let ca: string;
  let httpPort: number;
  let httpsPort: number;

  /** A request through nginx over HTTPS from 127.0.0.2 (the server sees nginx at 127.0.0.1). */
  function viaProxy(
    method: string,
    path: string,
    options: { headers?: Record<string, string | number>; body?: Buffer | string; sendBody?: boolean } = {},
  ): Promise<Answer> {
    return new Promise((done, fail) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: httpsPort,
          method,
          path,
          ca,
          servername: 'khien.test',
          localAddress: '127.0.0.2',
          agent: false,
          headers: options.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', fail);
      if (options.body !== undefined && options.sendBody !== false) req.end(options.body);
      else if (options.sendBody === false) req.flushHeaders();
      else req.end();
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'khien-proxy-'));
    chmodSync(dir, 0o755); // nginx's workers run as another user when the test runs as root
    for (const sub of ['body', 'proxy', 'acme']) {
      mkdirSync(join(dir, sub));
      chmodSync(join(dir, sub), 0o777);
    }
    const testCa = createTestCa(join(dir, 'ca'));
    ca = testCa.cert;
    const leaf = testCa.issue(['khien.test', '127.0.0.1']);
    writeFileSync(join(dir, 'fullchain.pem'), leaf.cert);
    writeFileSync(join(dir, 'privkey.pem'), leaf.key);

    ({ database, app } = await startServer(testConfig({ trustProxy: ['127.0.0.1', '::1'], cookieSecure: 'auto' })));
    // A built web UI file, answered as @fastify/static answers (the UI may not be built where the test runs).
    app.get('/assets/index-3f9a1c.js', (_req, reply) =>
      reply.header('cache-control', 'public, max-age=0').type('text/javascript').send('export {};\n'),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const appPort = (app.server.address() as { port: number }).port;
    httpPort = await freePort();
    httpsPort = await freePort();

    // The template as shipped, with this run's ports and paths: each piece replaced must be there.
    let site = readFileSync(TEMPLATE, 'utf8');
    const swaps: [string, string][] = [
      ['listen 80;', `listen 127.0.0.1:${httpPort};`],
      ['listen [::]:80;', ''],
      ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
      ['listen [::]:443 ssl http2;', ''],
      ['server 127.0.0.1:3000;', `server 127.0.0.1:${appPort};`],
      ['/etc/ssl/khien/fullchain.pem', join(dir, 'fullchain.pem')],
      ['/etc/ssl/khien/privkey.pem', join(dir, 'privkey.pem')],
      ['/var/www/letsencrypt', join(dir, 'acme')],
    ];
    for (const [from, to] of swaps) {
      expect(site.includes(from), `template has "${from}"`).toBe(true);
      site = site.replaceAll(from, to);
    }
    writeFileSync(join(dir, 'khien.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        'events { worker_connections 128; }',
        'http {',
        '  include /etc/nginx/mime.types;',
        `  access_log ${join(dir, 'access.log')};`,
        `  client_body_temp_path ${join(dir, 'body')};`,
        `  proxy_temp_path ${join(dir, 'proxy')};`,
        `  include ${join(dir, 'khien.conf')};`,
        '}',
      ].join('\n'),
    );
    const stderr: Buffer[] = [];
    nginx = spawn(NGINX as string, ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nginx.stderr?.on('data', (c: Buffer) => stderr.push(c));
    for (let i = 0; ; i++) {
      const up = await new Promise<boolean>((r) => {
        const s = netConnect(httpsPort, '127.0.0.1', () => r(!!s.destroy()));
        s.on('error', () => r(false));
      });
      if (up) break;
      if (i > 100 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${Buffer.concat(stderr)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 240_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await app?.close();
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('speaks TLS 1.2 and 1.3 with the certificate of its name', async () => {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const protocol = await new Promise<string | null>((done, fail) => {
        const s = tlsConnect(
          {
            host: '127.0.0.1',
            port: httpsPort,
            ca,
            servername: 'khien.test',
            minVersion: version,
            maxVersion: version,
          },
          () => done(s.getProtocol()),
        );
        s.on('error', fail);
      });
      expect(protocol).toBe(version);
    }
  });

  it('redirects http:// to https://', async () => {
    const res = await new Promise<Answer>((done, fail) =>
      httpRequest(
        { host: '127.0.0.1', port: httpPort, path: '/organisations?x=1', headers: { host: 'khien.test' } },
        (r) => {
          r.resume();
          r.on('end', () => done({ status: r.statusCode ?? 0, headers: r.headers, body: '' }));
        },
      )
        .on('error', fail)
        .end(),
    );
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://khien.test/organisations?x=1');
  });

  let session: { cookie: string; csrf: string };

  it('signs in with a Secure, HttpOnly cookie under HSTS, and audits the client address nginx saw', async () => {
    const res = await viaProxy('POST', '/api/auth/login', {
      // Written by the client: the audit log must not believe it.
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    expect(res.status, res.body).toBe(200);
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('khien_sid=')) ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    // One header (the server's own is replaced by nginx's, which is also on nginx's own answers).
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(await loginIps(database)).toEqual(['127.0.0.2']);
    session = { cookie: cookie.split(';')[0] as string, csrf: JSON.parse(res.body).csrfToken };
  });

  it('passes an upload up to the aligned limit to the server and refuses a larger one with 413', async () => {
    const auth = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    const created = await viaProxy('POST', '/api/advisories', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Cảnh báo kiểm thử', severity: 'high' }),
    });
    expect(created.status, created.body).toBe(201);
    const url = `/api/advisories/${JSON.parse(created.body).advisory.id}/attachments?filename=cong-van.pdf`;
    const upload = (size: number) =>
      viaProxy('POST', url, {
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(size, 0x25),
      });
    const stored = await upload(MiB);
    expect(stored.status, stored.body).toBe(201);
    // At the route's body limit nginx lets it through: the server answers (its envelope carries a request id; the
    // file itself is over the 20 MiB an attachment may have).
    const atLimit = await upload(20481 * 1024);
    expect(atLimit.status).toBe(400);
    expect(JSON.parse(atLimit.body).error).toMatchObject({
      key: 'advisories.fileTooLarge',
      requestId: expect.any(String),
    });
    const over = await upload(20481 * 1024 + 1);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    expect(over.headers['strict-transport-security']).toBeTruthy();
    // The streamed log upload has its own, larger limit: a declared length over it is refused before any byte.
    const logs = await viaProxy('POST', '/api/soc/logs', {
      headers: { ...auth, 'content-type': 'text/plain', 'content-length': 4 * 1024 * MiB + 1 },
      sendBody: false,
    });
    expect(logs.status).toBe(413);
  }, 300_000);

  it('caches the built web UI files for a year', async () => {
    const res = await viaProxy('GET', '/assets/index-3f9a1c.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('max-age=31536000');
  });
});
