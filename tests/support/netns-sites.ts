// A sealed little internet for website checks: two network namespaces joined by a veth pair and nothing else.
// The server namespace runs Debian's dnsmasq answering a test zone and Node HTTPS/HTTP servers (one address per
// site, certificates from a test CA made with openssl); the client namespace runs what is checked (the checker, the
// CLI) and has no route anywhere but the server namespace, so nothing can reach an outside address.
// Needs root, `ip`, dnsmasq and openssl: `sitesLabUnavailable()` says why not (skip), or throws when
// KHIEN_REQUIRE_ALL=1 (as in CI) so nothing skips silently there.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Test CA (openssl only; also usable without namespaces, e.g. for a local HTTPS server on 127.0.0.1)

export type KeyPair = { cert: string; key: string };
export type TestCa = KeyPair & {
  dir: string;
  /** A server certificate for `names` (DNS names or IP addresses) signed by this CA, valid between the two instants. */
  issue(names: string[], validity?: { notBefore?: Date; notAfter?: Date }): KeyPair;
};

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });
const read = (path: string) => readFileSync(path, 'utf8');
const asn1Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
const altNames = (names: string[]) => names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A fresh CA in `dir` (created): its certificate and key, and `issue` for server certificates with any dates. */
export function createTestCa(dir: string, name = 'Khien Test CA'): TestCa {
  mkdirSync(join(dir, 'issued'), { recursive: true });
  openssl(
    ['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', `/CN=${name}`].concat([
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]),
    dir,
  );
  return signer(dir);
}

/**
 * An intermediate CA in `dir`, signed by `parent` and valid between the two instants (past ones included): its
 * `issue`d certificates carry the intermediate after the leaf, as a server sends its chain.
 */
export function createIntermediateCa(
  parent: TestCa,
  dir: string,
  validity: { notBefore: Date; notAfter: Date },
  name = 'Khien Test Intermediate',
): TestCa {
  mkdirSync(join(dir, 'issued'), { recursive: true });
  openssl(['req', '-new', ...EC, '-keyout', 'ca.key', '-out', 'ca.csr', '-subj', `/CN=${name}`], dir);
  writeFileSync(
    join(dir, 'ca.ext'),
    ['[ca]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign'].join('\n'),
  );
  openssl(
    ['ca', '-batch', '-notext', '-config', join(parent.dir, 'ca.cnf'), '-in', join(dir, 'ca.csr')]
      .concat(['-out', join(dir, 'ca.pem'), '-startdate', asn1Time(validity.notBefore)])
      .concat(['-enddate', asn1Time(validity.notAfter), '-extfile', join(dir, 'ca.ext'), '-extensions', 'ca']),
    parent.dir,
  );
  const ca = signer(dir);
  return {
    ...ca,
    issue(names, v) {
      const leaf = ca.issue(names, v);
      return { ...leaf, cert: leaf.cert + ca.cert };
    },
  };
}

/** The CA whose certificate and key are `ca.pem` and `ca.key` in `dir`: `issue` signs server certificates. */
function signer(dir: string): TestCa {
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  // `openssl ca` because it alone (in OpenSSL 3.0) sets arbitrary start and end dates, past ones included.
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(dir, 'index.txt')}`,
      `serial = ${join(dir, 'serial')}`,
      `new_certs_dir = ${join(dir, 'issued')}`,
      `certificate = ${join(dir, 'ca.pem')}`,
      `private_key = ${join(dir, 'ca.key')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'copy_extensions = none',
      '[any]',
      'commonName = supplied',
    ].join('\n'),
  );
  let n = 0;
  return {
    dir,
    cert: read(join(dir, 'ca.pem')),
    key: read(join(dir, 'ca.key')),
    issue(names, validity = {}) {
      const id = `leaf${++n}`;
      const now = Date.now();
      const notBefore = validity.notBefore ?? new Date(now - DAY_MS);
      const notAfter = validity.notAfter ?? new Date(now + 365 * DAY_MS);
      openssl(['req', '-new', ...EC, '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${names[0]}`], dir);
      writeFileSync(
        join(dir, `${id}.ext`),
        [
          '[leaf]',
          'basicConstraints = critical,CA:FALSE',
          'keyUsage = critical,digitalSignature',
          'extendedKeyUsage = serverAuth',
          `subjectAltName = ${altNames(names)}`,
        ].join('\n'),
      );
      openssl(
        ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-in', `${id}.csr`, '-out', `${id}.pem`]
          .concat(['-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter)])
          .concat(['-extfile', `${id}.ext`, '-extensions', 'leaf']),
        dir,
      );
      return { cert: read(join(dir, `${id}.pem`)), key: read(join(dir, `${id}.key`)) };
    },
  };
}

/** A self-signed server certificate (no CA at all) for `names`. */
export function selfSignedCertificate(dir: string, names: string[]): KeyPair {
  const id = `self-${names[0]}`;
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${id}.key`,
      '-out',
      `${id}.pem`,
      '-days',
      '365',
      '-subj',
      `/CN=${names[0]}`,
    ].concat(['-addext', `subjectAltName=${altNames(names)}`]),
    dir,
  );
  return { cert: read(join(dir, `${id}.pem`)), key: read(join(dir, `${id}.key`)) };
}

// ---------------------------------------------------------------------------------------------------------------
// The lab

/** `endless`: the body never ends (a size limit must stop the reader). */
export type LabPage = { status?: number; headers?: Record<string, string>; body?: string; endless?: boolean };
export type LabSite = {
  /** A host name of the test zone; dnsmasq answers its A record with the site's own address. */
  name: string;
  https?: KeyPair & {
    /** e.g. 'TLSv1' + 'TLSv1.1' for a server that speaks only old TLS. */
    minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    pages: Record<string, LabPage>;
  };
  http?: { pages: Record<string, LabPage> };
  /** Port 443 accepts connections and never answers (a time limit must stop the client). */
  silent?: boolean;
};
export type LabZone = {
  /** Zones dnsmasq answers alone (names it does not know there are NXDOMAIN, never forwarded). */
  zones: string[];
  ns?: { zone: string; servers: string[] }[];
  mx?: { domain: string; exchange: string; priority: number }[];
  txt?: { name: string; text: string }[];
  /** Extra A records (name → address) besides the sites'. */
  a?: Record<string, string>;
};

export type RunResult = { status: number | null; stdout: string; stderr: string };
export type SitesLab = {
  /** The lab's DNS server as the checker takes it. */
  dns: string;
  addressOf(name: string): string;
  /** Runs a command in the client namespace (cwd: the repository). */
  run(command: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  /** checkSites in the client namespace; the reports it printed. */
  check<T = unknown>(urls: string[], options?: Record<string, unknown>): Promise<T>;
  /** A scratch directory of the lab (removed by stop). */
  dir: string;
  stop(): Promise<void>;
};

const NET = '10.203.0';
const CLIENT_IP = `${NET}.1`;
const DNS_IP = `${NET}.2`;
const FIRST_SITE_HOST = 10;

/** Why the lab cannot run here (null: it can). With KHIEN_REQUIRE_ALL=1 a reason is an error instead. */
export function sitesLabUnavailable(): string | null {
  const reason = missingPrerequisite();
  if (reason && process.env.KHIEN_REQUIRE_ALL === '1')
    throw new Error(`the sites lab is required (KHIEN_REQUIRE_ALL=1) but ${reason}`);
  if (reason) console.warn(`SKIPPED: website checks in network namespaces — ${reason}`);
  return reason;
}

function missingPrerequisite(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces need CAP_NET_ADMIN)';
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['dnsmasq', 'dnsmasq-base'],
    ['openssl', 'openssl'],
  ] as const)
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install -y ${pkg})`;
  const probe = `khs-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `cannot create a network namespace: ${added.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

/** A domain name in DNS wire format, as dnsmasq's dns-rr takes record data (hex). */
const wireName = (name: string) =>
  `${name
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]).toString('hex'))
    .join('')}00`;

function waitForOutput(child: ChildProcess, text: string, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${seen}`));
    });
  });
}

/** Builds the namespaces, starts dnsmasq and the sites' servers; on any failure everything made so far is undone. */
export async function startSitesLab(spec: { sites: LabSite[]; zone: LabZone }): Promise<SitesLab> {
  const id = String(process.pid % 1_000_000);
  const nsClient = `khs-c-${id}`;
  const nsServer = `khs-s-${id}`;
  const vethClient = `khs${id}c`;
  const vethServer = `khs${id}s`;
  const dir = mkdtempSync(join(tmpdir(), 'khien-sites-lab-'));
  const children: ChildProcess[] = [];
  const addresses = new Map(spec.sites.map((s, i) => [s.name, `${NET}.${FIRST_SITE_HOST + i}`]));

  const teardown = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', nsClient]);
    spawnSync('ip', ['netns', 'del', nsServer]);
    rmSync(dir, { recursive: true, force: true });
  };
  // A worker killed mid-test still removes its namespaces.
  process.once('exit', teardown);
  const sh = (...args: string[]) => execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });

  try {
    sh('ip', 'netns', 'add', nsClient);
    sh('ip', 'netns', 'add', nsServer);
    sh('ip', 'link', 'add', vethClient, 'type', 'veth', 'peer', 'name', vethServer);
    sh('ip', 'link', 'set', vethClient, 'netns', nsClient);
    sh('ip', 'link', 'set', vethServer, 'netns', nsServer);
    sh('ip', '-n', nsClient, 'addr', 'add', `${CLIENT_IP}/24`, 'dev', vethClient);
    sh('ip', '-n', nsServer, 'addr', 'add', `${DNS_IP}/24`, 'dev', vethServer);
    for (const address of addresses.values())
      sh('ip', '-n', nsServer, 'addr', 'add', `${address}/24`, 'dev', vethServer);
    for (const [ns, dev] of [
      [nsClient, vethClient],
      [nsServer, vethServer],
    ] as const) {
      sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    }
    // A veth pair carries traffic once both ends report carrier (IPv4 has no address probation to wait for).
    const carrier = (ns: string, dev: string) =>
      spawnSync('ip', ['-n', ns, '-o', 'link', 'show', 'dev', dev], { encoding: 'utf8' }).stdout.includes('LOWER_UP');
    for (let i = 0; i < 100 && !(carrier(nsClient, vethClient) && carrier(nsServer, vethServer)); i++)
      await new Promise((r) => setTimeout(r, 50));

    const zone = spec.zone;
    const conf = [
      'no-resolv',
      'no-hosts',
      'bind-interfaces',
      `listen-address=${DNS_IP}`,
      'port=53',
      'log-queries',
      'log-facility=-',
      `pid-file=${join(dir, 'dnsmasq.pid')}`,
      ...zone.zones.map((z) => `local=/${z}/`),
      ...[...addresses].map(([name, address]) => `host-record=${name},${address}`),
      ...Object.entries(zone.a ?? {}).map(([name, address]) => `host-record=${name},${address}`),
      ...(zone.ns ?? []).flatMap((n) => n.servers.map((s) => `dns-rr=${n.zone},2,${wireName(s)}`)),
      ...(zone.mx ?? []).map((m) => `mx-host=${m.domain},${m.exchange},${m.priority}`),
      ...(zone.txt ?? []).map((t) => `txt-record=${t.name},"${t.text}"`),
    ];
    writeFileSync(join(dir, 'dnsmasq.conf'), `${conf.join('\n')}\n`);
    const dnsmasq = spawn('ip', ['netns', 'exec', nsServer, 'dnsmasq', '-k', '-C', join(dir, 'dnsmasq.conf')]);
    children.push(dnsmasq);
    await waitForOutput(dnsmasq, 'started', 'dnsmasq');

    const serverConfig = {
      sites: spec.sites.map((s) => ({ address: addresses.get(s.name), ...s })),
    };
    writeFileSync(join(dir, 'servers.json'), JSON.stringify(serverConfig));
    const servers = spawn('ip', [
      'netns',
      'exec',
      nsServer,
      process.execPath,
      join(ROOT, 'tests/fixtures/sites/lab-server.mjs'),
      join(dir, 'servers.json'),
    ]);
    children.push(servers);
    await waitForOutput(servers, 'ready', 'the lab web servers');
  } catch (e) {
    teardown();
    process.removeListener('exit', teardown);
    throw e;
  }

  const run = (command: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) =>
    new Promise<RunResult>((resolvePromise, reject) => {
      const child = spawn('ip', ['netns', 'exec', nsClient, ...command], {
        cwd: ROOT,
        env: { ...process.env, ...opts.env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command.join(' ')} took longer than ${opts.timeoutMs ?? 60_000} ms: ${stderr}`));
      }, opts.timeoutMs ?? 60_000);
      child.once('exit', (status) => {
        clearTimeout(timer);
        resolvePromise({ status, stdout, stderr });
      });
    });

  let calls = 0;
  return {
    dns: DNS_IP,
    dir,
    addressOf(name) {
      const address = addresses.get(name);
      if (!address) throw new Error(`no lab site ${name}`);
      return address;
    },
    run,
    async check<T>(urls: string[], options: Record<string, unknown> = {}) {
      const input = join(dir, `check-${++calls}.json`);
      writeFileSync(input, JSON.stringify({ urls, options: { dnsServers: [DNS_IP], ...options } }));
      const r = await run([
        process.execPath,
        '--import',
        'tsx',
        join(ROOT, 'tests/fixtures/sites/check-in-namespace.ts'),
        input,
      ]);
      if (r.status !== 0) throw new Error(`the checker failed (${r.status}): ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((done) => {
              if (c.exitCode !== null || c.signalCode !== null) return done();
              c.once('exit', () => done());
              c.kill('SIGTERM');
            }),
        ),
      );
      teardown();
      process.removeListener('exit', teardown);
    },
  };
}
