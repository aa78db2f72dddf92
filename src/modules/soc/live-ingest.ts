import type { Db } from '../../core/db/client.ts';
import type { CollectorLimits } from './collectors/limits.ts';
import { startListeners } from './collectors/listeners.ts';
import { loadEngineOptions, startDailyRun } from './daily-run.ts';

export type LiveIngestOptions = {
  netflowPort?: number;
  syslogPort?: number;
  host: string;
  limits?: CollectorLimits;
  /** How often findings are written to the database. */
  flushSeconds?: number;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
};

/**
 * The server's collectors (NetFlow v5/v9/IPFIX on UDP, firewall syslog on UDP+TCP) feed one detector per day
 * (Asia/Ho_Chi_Minh), so memory is bounded by a day's distinct sources and each day is one ingest. Findings are
 * flushed periodically; a flush stores the detector's cumulative snapshot, so repeating it never double-counts.
 */
export async function startLiveIngestion(db: Db, opts: LiveIngestOptions) {
  const run = await startDailyRun(db, {
    source: (day) => `live ${day}`,
    format: 'collector',
    engine: () => loadEngineOptions(db),
  });
  // Flushes are serialised: the daily run is not re-entrant.
  let flushing = Promise.resolve();
  const flush = (final = false) => {
    flushing = flushing.then(() => run.flush(final)).catch((err) => opts.log.error({ err }, 'SOC live flush failed'));
    return flushing;
  };
  const timer = setInterval(() => void flush(), (opts.flushSeconds ?? 60) * 1000);
  timer.unref();

  const listeners = await startListeners({
    netflowPort: opts.netflowPort,
    syslogPort: opts.syslogPort,
    host: opts.host,
    limits: opts.limits,
    onEvent: run.push,
    onReject: run.reject,
  });
  opts.log.info(
    { netflow: listeners.netflowPort, syslogUdp: listeners.syslogUdpPort, syslogTcp: listeners.syslogTcpPort },
    'SOC collectors listening',
  );

  return {
    netflowPort: listeners.netflowPort,
    syslogUdpPort: listeners.syslogUdpPort,
    syslogTcpPort: listeners.syslogTcpPort,
    /** Writes the current findings now (tests, shutdown). */
    flush: () => flush(),
    async close() {
      clearInterval(timer);
      await listeners.close();
      await flush(true);
    },
  };
}
