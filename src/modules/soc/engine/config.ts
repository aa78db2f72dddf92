// Every tunable of the detection engine in one place, with where each default comes from.
// Sources are listed in shared/research/soc-detection.md §S.

export interface TrwConfig {
  enabled: boolean;
  /** P(first contact succeeds | benign). Jung et al. 2004, Table 3: θ0 = 0.8. */
  theta0: number;
  /** P(first contact succeeds | scanner). Jung et al. 2004, Table 3: θ1 = 0.2. */
  theta1: number;
  /**
   * Accepted false-positive rate α. VERMONT's TRWPortscanDetector uses 1e-5 rather than the
   * paper's 0.01, which flags after 4 failures and would fire on busy benign clients whose
   * CUSUM (below) never stops; 1e-5 needs 9 net failed first contacts.
   */
  falsePositiveRate: number;
  /** Detection probability β. VERMONT: 0.99999. */
  detectionRate: number;
}

export interface ScanConfig {
  /** Tumbling window, aligned to the epoch, as Zeek scan.zeek's SumStats epochs (5 min). */
  windowSeconds: number;
  /** Distinct targets on one port in a window. Zeek scan.zeek `addr_scan_threshold` = 25. */
  horizontalThreshold: number;
  /**
   * Horizontal threshold for sources inside `internalNetworks`: ncsa/bro-simple-scan's
   * `local_scan_threshold` = 250, so proxies and mail relays with a few % of failed connections
   * to many servers are not scanners (TRW still catches internal scanners that mostly fail).
   */
  internalHorizontalThreshold: number;
  /** Distinct ports on one target in a window. Zeek scan.zeek `port_scan_threshold` = 15. */
  verticalThreshold: number;
  /** Distinct ICMP echo targets in a window. Snort 3 `icmp_med_sweep` / research §A: 20. */
  icmpSweepThreshold: number;
  /**
   * Count UDP without a reply as failed. Off by default, as in Zeek's scan.zeek: UDP has no
   * handshake and silence is normal (DNS resolvers, NTP, syslog would look like scanners).
   */
  countUdp: boolean;
  /** Threshold Random Walk on first-contact outcomes, CUSUM form (research §A, rate-free: catches slow scans). */
  trw: TrwConfig;
  /** CIDRs whose scans are expected (the province's own vulnerability scanners, NMS). */
  allowList: string[];
  /** Destination ports of chatty broadcast/discovery protocols (NetBIOS, SSDP, mDNS, LLMNR): research §A.5. */
  ignoredPorts: number[];
  /** Service source ports whose replies to high ports are backscatter, not scans: research §A.5. */
  backscatterSourcePorts: number[];
  /** Cap on sources tracked at once; idle-first then oldest eviction beyond it. */
  maxTrackedSources: number;
  /** Cap on ports (and on targets) tracked per source per window; sets saturate at threshold + 2 as in Zeek. */
  maxKeysPerSource: number;
  /** Bits per generation of the rotating Bloom filter that tells first contacts (2 generations). */
  firstContactFilterBits: number;
  /**
   * Events queued per source shard (16 shards by default, 32 bytes an event) before the shards are counted one
   * after another: more amortises better until the queues outgrow the CPU cache, which threads share.
   */
  shardQueueEvents: number;
}

export interface TargetGroup {
  cidr: string;
  group: string;
}

export interface EngineConfig {
  scan: ScanConfig;
  /** Networks of the province: decide which side of a flow is "our" host. RFC 1918 + RFC 4193 by default. */
  internalNetworks: string[];
  /**
   * Named address ranges (the province's organisations: range → organisation id) whose targeting is
   * reported per name: a scanner's finding lists each group it sent failed attempts to (the most
   * specific range wins), so every agency a scanner swept can see it. Empty: no grouping.
   */
  targetGroups: TargetGroup[];
  /** Evidence samples kept per finding. */
  evidenceSamples: number;
  /** Cap on findings of each kind kept; further ones are counted in stats.droppedFindings. */
  maxFindings: number;
}

export const defaultEngineConfig: EngineConfig = {
  scan: {
    windowSeconds: 300,
    horizontalThreshold: 25,
    internalHorizontalThreshold: 250,
    verticalThreshold: 15,
    icmpSweepThreshold: 20,
    countUdp: false,
    trw: { enabled: true, theta0: 0.8, theta1: 0.2, falsePositiveRate: 1e-5, detectionRate: 0.99999 },
    allowList: [],
    ignoredPorts: [137, 138, 1900, 5353, 5355],
    backscatterSourcePorts: [53, 80, 123, 443],
    maxTrackedSources: 500_000,
    maxKeysPerSource: 64,
    firstContactFilterBits: 1 << 25,
    shardQueueEvents: 1 << 15,
  },
  internalNetworks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  targetGroups: [],
  evidenceSamples: 5,
  maxFindings: 100_000,
};

export type EngineConfigInput = Partial<Omit<EngineConfig, 'scan'>> & {
  scan?: Partial<Omit<ScanConfig, 'trw'>> & { trw?: Partial<TrwConfig> };
};

export function resolveEngineConfig(input: EngineConfigInput = {}): EngineConfig {
  const trw = { ...defaultEngineConfig.scan.trw, ...input.scan?.trw };
  const scan: ScanConfig = { ...defaultEngineConfig.scan, ...input.scan, trw };
  return { ...defaultEngineConfig, ...input, scan };
}
