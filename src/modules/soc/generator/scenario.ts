// A synthetic provincial network with known scanners, benign heavy talkers and contacts with
// known-bad servers. Deterministic by seed; flows come out in time order (per second), with
// the ground truth describing what a correct detector must report.

export type ConnState = 'SF' | 'S0' | 'REJ' | 'RSTO' | 'OTH';

export interface SyntheticName {
  kind: 'dns' | 'tls' | 'http';
  name: string;
  url?: string;
}

export interface SyntheticFlow {
  ts: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  proto: 'tcp' | 'udp' | 'icmp';
  state: ConnState;
  /** Bytes from the originator and from the responder (0 for failed attempts). */
  origBytes: number;
  respBytes: number;
  /** Set when the flow carried a DNS query, TLS SNI or HTTP request. */
  named?: SyntheticName;
}

export interface TruthScanner {
  ip: string;
  kind: 'horizontal' | 'vertical' | 'mixed';
  /** Probes spaced so that no window threshold is ever reached: only TRW can catch it. */
  slow: boolean;
  targets: number;
  ports: number;
}

export interface TruthIndicator {
  type: 'ip' | 'cidr' | 'domain' | 'url';
  value: string;
  validFrom?: string;
  validUntil?: string;
}

export interface GroundTruth {
  generator: string;
  seed: number;
  start: number;
  durationSeconds: number;
  internalNetworks: string[];
  allowList: string[];
  scanners: TruthScanner[];
  /** Allow-listed scanners (the province's own): must not be reported. */
  allowListedScanners: string[];
  /** Busy benign hosts that fail now and then: must not be reported. */
  benignHeavyTalkers: string[];
  maliciousContacts: Array<{ host: string; indicator: string }>;
  /** Hosts that touched something close to an indicator (parent domain, adjacent network, expired indicator). */
  nearMisses: Array<{ host: string; touched: string }>;
  indicators: TruthIndicator[];
}

export interface ScenarioOptions {
  seed?: number;
  /** Simulated start, epoch seconds. */
  start?: number;
  durationSeconds?: number;
  /** Benign background flows per simulated second. */
  backgroundFlowsPerSecond?: number;
  internalHosts?: number;
  /** Extra random external horizontal scanners on top of the fixed cast. */
  extraScanners?: number;
}

/** sfc32: small, fast, deterministic 32-bit generator. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Zipf-like rank in [0, n): popular servers get most of the traffic. */
  zipf(n: number): number {
    return Math.min(n - 1, Math.floor(n ** this.next()) - 1);
  }
}

interface Probe {
  dst: string;
  port: number;
  proto: 'tcp' | 'icmp';
}

interface ScannerPlan {
  ip: string;
  startAt: number;
  interval: number;
  probes: Probe[];
  next: number;
}

const OPEN_SERVER_PORTS = [22, 80, 443, 445, 3389];
const INTERNAL = '10.0.0.0/8';
const RESOLVER = '10.0.0.53';
const PROXY = '10.0.0.80';
const MAIL = '10.0.0.25';
const NMS = '10.0.0.60';
const NESSUS = '10.0.250.10';
const HEAVY_TALKER_FLOWS_PER_SECOND = 13;

function internalHost(i: number): string {
  return `10.1.${(i >>> 8) & 255}.${(i & 255) + (i & 255 ? 0 : 1)}`;
}

function server(i: number): string {
  return `10.0.1.${i + 1}`;
}

/** An external address outside private, reserved and indicator ranges, from an index. */
function externalAddress(i: number): string {
  const first = [23, 31, 37, 41, 52, 64, 77, 88, 91, 104, 113, 118, 125, 139, 151, 171, 176, 193, 202, 210][i % 20];
  return `${first}.${(i >>> 4) & 255}.${(i >>> 12) & 255}.${(i % 250) + 1}`;
}

export class Scenario {
  readonly truth: GroundTruth;
  private readonly random: Random;
  private readonly start: number;
  private readonly duration: number;
  private readonly rate: number;
  private readonly hosts: number;
  private readonly plans: ScannerPlan[] = [];
  private readonly openServices = new Set<string>();
  private readonly externalServers: string[];
  private readonly contactPlan: Array<{ at: number; flow: Omit<SyntheticFlow, 'ts'> }> = [];

  constructor(options: ScenarioOptions = {}) {
    const seed = options.seed ?? 1;
    this.random = new Random(seed);
    this.start = options.start ?? 1717218000; // 01/06/2024 12:00 Asia/Ho_Chi_Minh
    this.duration = options.durationSeconds ?? 3600;
    this.rate = options.backgroundFlowsPerSecond ?? 30;
    this.hosts = options.internalHosts ?? 2000;
    this.externalServers = Array.from({ length: 5000 }, (_, i) => externalAddress(i));
    for (let s = 0; s < 50; s++) for (const port of OPEN_SERVER_PORTS) this.openServices.add(`${server(s)}:${port}`);
    this.truth = {
      generator: 'khien-soc-generator/1',
      seed,
      start: this.start,
      durationSeconds: this.duration,
      internalNetworks: [INTERNAL],
      allowList: [`${NESSUS}/32`],
      scanners: [],
      allowListedScanners: [NESSUS],
      benignHeavyTalkers: [RESOLVER, PROXY, MAIL, NMS],
      maliciousContacts: [],
      nearMisses: [],
      indicators: [],
    };
    this.planScanners(options.extraScanners ?? 40);
    this.planContacts();
  }

  private randomInternalTargets(count: number): string[] {
    const targets = new Set<string>();
    while (targets.size < count) {
      targets.add(
        this.random.chance(0.1)
          ? server(this.random.int(50))
          : `10.1.${this.random.int(256)}.${1 + this.random.int(254)}`,
      );
    }
    return [...targets];
  }

  private addScanner(truth: TruthScanner, startAt: number, interval: number, probes: Probe[], report = true): void {
    this.plans.push({ ip: truth.ip, startAt: this.start + startAt, interval, probes, next: 0 });
    if (report) this.truth.scanners.push(truth);
  }

  private sweep(
    ip: string,
    port: number,
    targets: number,
    startAt: number,
    interval: number,
    slow = false,
    proto: 'tcp' | 'icmp' = 'tcp',
  ): void {
    const probes = this.randomInternalTargets(targets).map((dst) => ({ dst, port, proto }));
    this.addScanner({ ip, kind: 'horizontal', slow, targets, ports: 1 }, startAt, interval, probes);
  }

  private planScanners(extra: number): void {
    this.sweep('203.0.113.10', 445, 400, 120, 0.05);
    this.sweep('198.51.100.23', 22, 300, 600, 0.2);
    this.sweep('192.0.2.77', 3389, 200, 1500, 0.02);
    this.sweep('10.1.3.77', 445, 600, 900, 0.1); // compromised internal host
    const portRange = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    this.addScanner(
      { ip: '203.0.113.66', kind: 'vertical', slow: false, targets: 1, ports: 1000 },
      300,
      0.02,
      portRange(1000).map((port) => ({ dst: server(4), port, proto: 'tcp' })),
    );
    this.addScanner(
      { ip: '198.51.100.99', kind: 'vertical', slow: false, targets: 1, ports: 100 },
      2000,
      1,
      portRange(100).map((port) => ({ dst: server(6), port, proto: 'tcp' })),
    );
    const blockTargets = this.randomInternalTargets(40);
    const blockPorts = [
      21, 22, 23, 25, 80, 110, 139, 143, 443, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 27017,
    ];
    this.addScanner(
      { ip: '203.0.113.200', kind: 'mixed', slow: false, targets: 40, ports: 20 },
      1800,
      0.01,
      blockTargets.flatMap((dst) => blockPorts.map((port) => ({ dst, port, proto: 'tcp' as const }))),
    );
    // Slow scans: one probe every 30-40 s stays under 25 targets per 5-minute window.
    this.sweep('198.51.100.150', 23, 80, 60, 40, true);
    this.sweep('10.1.4.20', 22, 100, 200, 30, true);
    this.sweep('203.0.113.250', 8, 200, 2400, 0.1, false, 'icmp');
    // The province's own vulnerability scanner: allow-listed, never reported.
    this.addScanner(
      { ip: NESSUS, kind: 'mixed', slow: false, targets: 60, ports: 20 },
      1000,
      0.01,
      this.randomInternalTargets(60).flatMap((dst) => blockPorts.map((port) => ({ dst, port, proto: 'tcp' as const }))),
      false,
    );
    const ports = [22, 23, 445, 3389, 5900, 8080];
    for (let i = 0; i < extra; i++) {
      const ip = `${[45, 80, 89, 185, 194][i % 5]}.${10 + (i % 200)}.${(i * 7) % 256}.${1 + ((i * 13) % 254)}`;
      this.sweep(
        ip,
        this.random.pick(ports),
        30 + this.random.int(170),
        this.random.int(Math.max(1, this.duration - 400)),
        0.02 + this.random.next(),
      );
    }
  }

  private planContacts(): void {
    const from = (s: string) => new Date((this.start + Number(s)) * 1000).toISOString();
    const indicators: TruthIndicator[] = [
      { type: 'ip', value: '185.220.101.45' },
      { type: 'cidr', value: '45.142.212.0/24' },
      { type: 'domain', value: 'update-check.badcdn.top' },
      { type: 'domain', value: 'c2-relay.net' },
      { type: 'url', value: 'http://files.dropper.example/payload.bin' },
      // Expired before the capture: a host touching it is not a finding.
      { type: 'ip', value: '91.92.93.94', validFrom: from('-86400'), validUntil: from('-3600') },
    ];
    this.truth.indicators = indicators;
    const contact = (host: string, indicator: string, flow: Omit<SyntheticFlow, 'ts' | 'src'>) => {
      this.contactPlan.push({
        at: this.start + 60 + this.random.int(this.duration - 120),
        flow: { ...flow, src: host },
      });
      this.truth.maliciousContacts.push({ host, indicator });
    };
    const near = (host: string, touched: string, flow: Omit<SyntheticFlow, 'ts' | 'src'>) => {
      this.contactPlan.push({
        at: this.start + 60 + this.random.int(this.duration - 120),
        flow: { ...flow, src: host },
      });
      this.truth.nearMisses.push({ host, touched });
    };
    const tls = (dst: string, name?: string): Omit<SyntheticFlow, 'ts' | 'src'> => ({
      dst,
      dstPort: 443,
      srcPort: 40000 + this.random.int(20000),
      proto: 'tcp',
      state: 'SF',
      origBytes: 900,
      respBytes: 4000,
      named: name ? { kind: 'tls', name } : undefined,
    });
    const dns = (name: string): Omit<SyntheticFlow, 'ts' | 'src'> => ({
      dst: RESOLVER,
      dstPort: 53,
      srcPort: 30000 + this.random.int(30000),
      proto: 'udp',
      state: 'SF',
      origBytes: 40,
      respBytes: 120,
      named: { kind: 'dns', name },
    });
    contact(internalHost(11), '185.220.101.45', tls('185.220.101.45'));
    contact(internalHost(12), '45.142.212.0/24', tls('45.142.212.17'));
    contact(internalHost(13), 'update-check.badcdn.top', dns('update-check.badcdn.top'));
    contact(internalHost(14), 'c2-relay.net', tls('104.21.33.12', 'eu.c2-relay.net'));
    contact(internalHost(15), 'http://files.dropper.example/payload.bin', {
      ...tls('104.21.40.9'),
      dstPort: 80,
      named: { kind: 'http', name: 'files.dropper.example', url: 'http://files.dropper.example/payload.bin' },
    });
    near(internalHost(21), 'badcdn.top', dns('badcdn.top'));
    near(internalHost(22), '45.142.213.5', tls('45.142.213.5'));
    near(internalHost(23), 'http://files.dropper.example/readme.txt', {
      ...tls('104.21.40.9'),
      dstPort: 80,
      named: { kind: 'http', name: 'files.dropper.example', url: 'http://files.dropper.example/readme.txt' },
    });
    near(internalHost(24), '91.92.93.94', tls('91.92.93.94'));
    this.contactPlan.sort((a, b) => a.at - b.at);
  }

  private outcomeOf(dst: string, port: number): ConnState {
    if (this.openServices.has(`${dst}:${port}`)) return 'RSTO';
    return dst.startsWith('10.0.1.') ? 'REJ' : 'S0';
  }

  /** One benign flow; `roll` in [0.55, 0.88) picks a heavy talker, elsewhere a client. */
  private background(ts: number, roll: number, emit: (flow: SyntheticFlow) => void): void {
    const r = this.random;
    const srcPort = 1024 + r.int(64000);
    if (roll < 0.55) {
      // Internal clients to popular external services; a few % fail.
      const fail = r.chance(0.03);
      emit({
        ts,
        src: internalHost(r.int(this.hosts)),
        srcPort,
        dst: this.externalServers[r.zipf(this.externalServers.length)] as string,
        dstPort: r.chance(0.8) ? 443 : 80,
        proto: 'tcp',
        state: fail ? 'S0' : 'SF',
        origBytes: fail ? 0 : 300 + r.int(3000),
        respBytes: fail ? 0 : 1000 + r.int(60000),
      });
    } else if (roll < 0.7) {
      // The web proxy: many distinct servers, 3 % fail.
      const fail = r.chance(0.03);
      emit({
        ts,
        src: PROXY,
        srcPort,
        dst: externalAddress(r.int(200000)),
        dstPort: r.chance(0.7) ? 443 : 80,
        proto: 'tcp',
        state: fail ? 'S0' : 'SF',
        origBytes: fail ? 0 : 500,
        respBytes: fail ? 0 : 20000,
      });
    } else if (roll < 0.8) {
      // The resolver asks many authoritative servers; UDP silence is normal.
      const fail = r.chance(0.05);
      emit({
        ts,
        src: RESOLVER,
        srcPort,
        dst: externalAddress(r.int(100000)),
        dstPort: 53,
        proto: 'udp',
        state: fail ? 'S0' : 'SF',
        origBytes: 40,
        respBytes: fail ? 0 : 200,
      });
    } else if (roll < 0.85) {
      // The mail relay: SMTP to many MX hosts, 5 % unreachable.
      const fail = r.chance(0.05);
      emit({
        ts,
        src: MAIL,
        srcPort,
        dst: externalAddress(300000 + r.int(50000)),
        dstPort: 25,
        proto: 'tcp',
        state: fail ? 'S0' : 'SF',
        origBytes: fail ? 0 : 5000,
        respBytes: fail ? 0 : 400,
      });
    } else if (roll < 0.88) {
      // NMS polling servers: all answer.
      emit({
        ts,
        src: NMS,
        srcPort,
        dst: server(r.int(50)),
        dstPort: r.chance(0.5) ? 161 : 22,
        proto: r.chance(0.5) ? 'udp' : 'tcp',
        state: 'SF',
        origBytes: 100,
        respBytes: 300,
      });
    } else if (roll < 0.95) {
      // Internal clients to internal servers.
      const s = r.int(50);
      const port = r.pick(OPEN_SERVER_PORTS);
      emit({
        ts,
        src: internalHost(r.int(this.hosts)),
        srcPort,
        dst: server(s),
        dstPort: port,
        proto: 'tcp',
        state: r.chance(0.02) ? 'REJ' : 'SF',
        origBytes: 800,
        respBytes: 5000,
      });
    } else {
      // The public: external clients reach the province's web servers.
      const fail = r.chance(0.02);
      emit({
        ts,
        src: externalAddress(400000 + r.int(100000)),
        srcPort,
        dst: server(r.int(5)),
        dstPort: 443,
        proto: 'tcp',
        state: fail ? 'S0' : 'SF',
        origBytes: fail ? 0 : 700,
        respBytes: fail ? 0 : 30000,
      });
    }
  }

  /** Every flow in time order (second by second). */
  *flows(): Generator<SyntheticFlow> {
    const r = this.random;
    const batch: SyntheticFlow[] = [];
    const emit = (flow: SyntheticFlow) => batch.push(flow);
    let contactIndex = 0;
    let carry = 0;
    let heavyCarry = 0;
    // Heavy talkers keep a fixed absolute rate: a bigger network has more clients, not a busier proxy.
    const heavyRate = Math.min(this.rate * 0.33, HEAVY_TALKER_FLOWS_PER_SECOND);
    for (let second = 0; second < this.duration; second++) {
      const t0 = this.start + second;
      heavyCarry += heavyRate;
      for (; heavyCarry >= 1; heavyCarry--) this.background(t0 + r.next(), 0.55 + 0.33 * r.next(), emit);
      carry += this.rate - heavyRate;
      for (; carry >= 1; carry--) {
        const x = r.next() * 0.67;
        this.background(t0 + r.next(), x < 0.55 ? x : x + 0.33, emit);
      }
      for (const plan of this.plans) {
        while (plan.next < plan.probes.length && plan.startAt + plan.next * plan.interval < t0 + 1) {
          const probe = plan.probes[plan.next] as Probe;
          const ts = plan.startAt + plan.next * plan.interval;
          plan.next++;
          if (probe.proto === 'icmp') {
            emit({
              ts,
              src: plan.ip,
              srcPort: 8,
              dst: probe.dst,
              dstPort: 0,
              proto: 'icmp',
              state: 'OTH',
              origBytes: 56,
              respBytes: 0,
            });
            continue;
          }
          const state = this.outcomeOf(probe.dst, probe.port);
          emit({
            ts,
            src: plan.ip,
            srcPort: 40000 + r.int(20000),
            dst: probe.dst,
            dstPort: probe.port,
            proto: 'tcp',
            state,
            origBytes: 0,
            respBytes: 0,
          });
        }
      }
      while (
        contactIndex < this.contactPlan.length &&
        (this.contactPlan[contactIndex]?.at ?? Number.POSITIVE_INFINITY) < t0 + 1
      ) {
        const planned = this.contactPlan[contactIndex++];
        if (planned) emit({ ...planned.flow, ts: planned.at });
      }
      batch.sort((a, b) => a.ts - b.ts);
      yield* batch;
      batch.length = 0;
    }
  }
}
