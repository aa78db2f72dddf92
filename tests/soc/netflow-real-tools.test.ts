// Real tools end to end: nmap SYN-scans one network namespace from another, tcpdump captures
// it, softflowd replays the capture as NetFlow v9, IPFIX and v5 to our UDP collector, and the
// engine must name the nmap source as a scanner and not the scanned host.
// Needs root, `ip netns`, nmap, tcpdump and softflowd; otherwise it skips and says why.

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetflowCollector } from '../../src/modules/soc/collectors/netflow.ts';
import { createDetector } from '../../src/modules/soc/engine/detector.ts';

const suffix = String(process.pid % 100000);
const nsScanner = `khien-a-${suffix}`;
const nsTarget = `khien-b-${suffix}`;
const scannerIp = '10.99.0.1';
const targetIp = '10.99.0.2';

function missingPrerequisite(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces need CAP_NET_ADMIN)';
  for (const tool of ['ip', 'nmap', 'tcpdump', 'softflowd']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install -y nmap softflowd tcpdump iproute2)`;
  }
  const probe = `khien-probe-${suffix}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `cannot create a network namespace: ${added.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

const skipReason = missingPrerequisite();
if (skipReason) console.warn(`[soc] skipping the nmap → softflowd → collector test: ${skipReason}`);

function run(...args: string[]): void {
  execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
}

function waitFor(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

describe.skipIf(skipReason !== null)('nmap scan → pcap → softflowd → NetFlow collector → engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-netflow-'));
  const pcap = join(dir, 'scan.pcap');

  beforeAll(async () => {
    run('ip', 'netns', 'add', nsScanner);
    run('ip', 'netns', 'add', nsTarget);
    run('ip', 'link', 'add', `kva${suffix}`, 'type', 'veth', 'peer', 'name', `kvb${suffix}`);
    run('ip', 'link', 'set', `kva${suffix}`, 'netns', nsScanner);
    run('ip', 'link', 'set', `kvb${suffix}`, 'netns', nsTarget);
    run('ip', '-n', nsScanner, 'addr', 'add', `${scannerIp}/24`, 'dev', `kva${suffix}`);
    run('ip', '-n', nsTarget, 'addr', 'add', `${targetIp}/24`, 'dev', `kvb${suffix}`);
    run('ip', '-n', nsScanner, 'link', 'set', `kva${suffix}`, 'up');
    run('ip', '-n', nsTarget, 'link', 'set', `kvb${suffix}`, 'up');
    // The veth carrier takes a moment: wait until the target answers before scanning.
    for (
      let i = 0;
      i < 50 && spawnSync('ip', ['netns', 'exec', nsScanner, 'ping', '-c1', '-W1', targetIp]).status !== 0;
      i++
    );
    // An open port on the target so the scan sees SYN-ACKs (half-open probes) as well as RSTs.
    const server = spawn('ip', [
      'netns',
      'exec',
      nsTarget,
      process.execPath,
      '-e',
      "require('net').createServer((s) => s.end('ok')).listen(80, () => console.log('listening'))",
    ]);
    await waitFor(server, 'listening', 10_000);
    const capture = spawn('ip', [
      'netns',
      'exec',
      nsTarget,
      'tcpdump',
      '-B',
      '8192',
      '-Z',
      'root',
      '-i',
      `kvb${suffix}`,
      '-n',
      '-U',
      '-w',
      pcap,
      'tcp',
    ]);
    await waitFor(capture, 'listening on', 10_000);
    // "listening on" is printed slightly before packets are delivered to the capture.
    await new Promise((r) => setTimeout(r, 1000));
    // Asynchronously: a blocked event loop stops draining tcpdump's pipes and the kernel drops packets.
    const nmap = spawn('ip', ['netns', 'exec', nsScanner, 'nmap', '-sS', '-p', '1-300', '-T5', '-n', targetIp]);
    const nmapExit = await new Promise<number | null>((r) => nmap.once('exit', r));
    expect(nmapExit).toBe(0);
    // tcpdump reads the kernel ring in blocks with a 1 s timeout: let the last block arrive before SIGINT.
    await new Promise((r) => setTimeout(r, 1500));
    const stopped = new Promise((r) => capture.once('exit', r));
    capture.kill('SIGINT');
    await stopped;
    server.kill('SIGTERM');
  }, 60_000);

  afterAll(() => {
    spawnSync('ip', ['netns', 'del', nsScanner]);
    spawnSync('ip', ['netns', 'del', nsTarget]);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['NetFlow v9', '9'],
    ['IPFIX', '10'],
    ['NetFlow v5', '5'],
  ])('%s: the nmap source is a vertical scanner, the scanned host is not', async (_name, version) => {
    const detector = createDetector();
    const collector = await startNetflowCollector({ port: 0, onFlow: detector.push });
    try {
      const replay = spawnSync('softflowd', ['-r', pcap, '-n', `127.0.0.1:${collector.port}`, '-v', version, '-d'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(replay.status, replay.stderr).toBe(0);
      // Datagrams are in flight on loopback: wait until the count stops moving.
      let last = -1;
      for (let i = 0; i < 50 && collector.stats.records !== last; i++) {
        last = collector.stats.records;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await collector.close();
    }
    expect(collector.stats.malformed).toBe(0);
    // 300 probes from the scanner plus the target's answers, one flow per direction.
    expect(collector.stats.records).toBeGreaterThanOrEqual(600);
    const { scanners } = detector.findings();
    expect(scanners.map((s) => s.ip)).toEqual([scannerIp]);
    const scanner = scanners[0];
    expect(scanner?.kind).toBe('vertical');
    expect(scanner?.rules.some((r) => r.rule === 'vertical' && r.target === targetIp)).toBe(true);
    expect(scanner?.distinctPorts).toBeGreaterThanOrEqual(250);
  });
});
