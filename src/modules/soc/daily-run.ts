// One detector per day (Asia/Ho_Chi_Minh) feeding one ingest, flushed as cumulative snapshots: the pattern of the
// server's collectors (live-ingest.ts) and of every stream worker partition (stream/worker.ts).

import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { loadAttributor } from '../organisations/index.ts';
import type { EngineConfigInput } from './engine/config.ts';
import { createDetector, type Detector, type DetectorOptions } from './engine/detector.ts';
import { IntelIndex } from './engine/intel-index.ts';
import type { DetectorSnapshot } from './engine/snapshot.ts';
import type { SocEvent } from './engine/types.ts';
import { loadIndicators, openIngest, provinceEngineConfig, storeFindings, updateIngest } from './soc.service.ts';

/**
 * The province's engine settings (internal networks from the organisations' ranges, intel from the database)
 * with `extra` on top (an allow list of the province's own scanners…). The intel index is built once and shared
 * by every detector made from the result.
 */
export async function loadEngineOptions(db: Db, extra: EngineConfigInput = {}): Promise<DetectorOptions> {
  const [indicators, province] = await Promise.all([loadIndicators(db), provinceEngineConfig(db)]);
  return {
    config: { ...province, ...extra, scan: { ...province.scan, ...extra.scan } },
    intel: new IntelIndex(indicators),
  };
}

export interface DailyRunOptions {
  /** The ingest's source name for a day, e.g. `nats p0 2024-06-01`. */
  source: (day: string) => string;
  /** Stored as the ingest's format. */
  format: string;
  /** Engine options for a day (reloaded when the day changes, so new intel applies from then on). */
  engine: (day: string) => Promise<DetectorOptions>;
  /** The clock that decides the day (tests). */
  now?: () => Date;
  /** Where to carry on from, if it is of today: a checkpointed ingest and its detector's state. */
  resume?: DailyRunResume;
  /** Stores a checkpoint inside each flush's transaction, after the findings and totals it matches. */
  checkpoint?: (tx: Db, point: { day: string; ingestId: string; snapshot: DetectorSnapshot }) => Promise<void>;
}

export interface DailyRunResume {
  day: string;
  ingestId: string;
  events: number;
  rejected: number;
  snapshot: DetectorSnapshot;
}

export interface DailyRun {
  readonly day: string;
  readonly events: number;
  push(event: SocEvent): void;
  reject(): void;
  /**
   * Stores the detector's cumulative snapshot and the ingest's totals in one transaction; resolves after the
   * commit. When the day is over (or `final`), the ingest is finished and, unless final, the next day starts.
   * Not re-entrant: callers serialise flushes.
   */
  flush(final?: boolean): Promise<void>;
}

export async function startDailyRun(db: Db, opts: DailyRunOptions): Promise<DailyRun> {
  const now = opts.now ?? (() => new Date());
  type Day = { day: string; detector: Detector; ingestId: string | null; events: number; rejected: number };
  const begin = async (): Promise<Day> => {
    const day = provinceDay(now());
    const resume = opts.resume?.day === day ? opts.resume : undefined;
    const engine = await opts.engine(day);
    if (!resume) return { day, detector: createDetector(engine), ingestId: null, events: 0, rejected: 0 };
    const detector = createDetector({ ...engine, snapshot: resume.snapshot });
    return { day, detector, ingestId: resume.ingestId, events: resume.events, rejected: resume.rejected };
  };
  let current = await begin();
  return {
    get day() {
      return current.day;
    },
    get events() {
      return current.events;
    },
    push(event) {
      current.events++;
      current.detector.push(event);
    },
    reject() {
      current.rejected++;
    },
    async flush(final = false) {
      const run = current;
      const dayOver = provinceDay(now()) !== run.day;
      // The ingest is opened on the first flush with something in it: a quiet partition leaves no empty ingest.
      if (run.events > 0 || run.rejected > 0) {
        const findings = run.detector.findings();
        const snapshot = opts.checkpoint && run.detector.snapshot(); // now: pushes may follow during the awaits
        const attribute = await loadAttributor(db);
        run.ingestId = await db.transaction(async (tx) => {
          const ingestId = run.ingestId ?? (await openIngest(tx, opts.source(run.day), opts.format));
          await storeFindings(tx, ingestId, findings, attribute);
          await updateIngest(tx, ingestId, { events: run.events, rejected: run.rejected, finished: final || dayOver });
          if (opts.checkpoint && snapshot) await opts.checkpoint(tx, { day: run.day, ingestId, snapshot });
          return ingestId; // kept only once committed
        });
      }
      if (dayOver && !final) current = await begin();
    },
  };
}
