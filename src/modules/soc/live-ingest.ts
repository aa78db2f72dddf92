import type { Db } from '../../core/db/client.ts';
import { loadAttributor } from '../organisations/attribution.ts';
import { startNetflowCollector } from './collectors/netflow.ts';
import { startSyslogCollector } from './collectors/syslog.ts';
import { createDetector, type Detector } from './engine/detector.ts';
import type { SocEvent } from './engine/types.ts';
import { loadIndicators, openIngest, provinceEngineConfig, storeFindings, updateIngest } from './soc.service.ts';

export type LiveIngestOptions = {
  netflowPort?: number;
  syslogPort?: number;
  host: string;
  /** How often findings are written to the database. */
  flushSeconds?: number;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
};

const provinceDay = (d = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d);

/**
 * The server's collectors (NetFlow v5/v9/IPFIX on UDP, firewall syslog on UDP+TCP) feed one detector per day
 * (Asia/Ho_Chi_Minh), so memory is bounded by a day's distinct sources and each day is one ingest. Findings are
 * flushed periodically; a flush stores the detector's cumulative snapshot, so repeating it never double-counts.
 */
export async function startLiveIngestion(db: Db, opts: LiveIngestOptions) {
  type Run = { day: string; ingestId: string; detector: Detector; events: number; rejected: number };
  let run: Run | null = null;
  let flushing = Promise.resolve();

  const newRun = async (): Promise<Run> => {
    const [indicators, config] = await Promise.all([loadIndicators(db), provinceEngineConfig(db)]);
    const day = provinceDay();
    return {
      day,
      ingestId: await openIngest(db, `live ${day}`, 'collector'),
      detector: createDetector({ config, intel: indicators }),
      events: 0,
      rejected: 0,
    };
  };
  run = await newRun();

  const onEvent = (event: SocEvent) => {
    if (!run) return;
    run.events++;
    run.detector.push(event);
  };
  const flush = async (final = false) => {
    const current = run;
    if (!current) return;
    const attribute = await loadAttributor(db);
    await storeFindings(db, current.ingestId, current.detector.findings(), attribute);
    const dayOver = provinceDay() !== current.day;
    await updateIngest(db, current.ingestId, {
      events: current.events,
      rejected: current.rejected,
      finished: final || dayOver,
    });
    if (dayOver && !final) run = await newRun();
  };
  const schedule = () => {
    flushing = flushing.then(() => flush()).catch((err) => opts.log.error({ err }, 'SOC live flush failed'));
  };
  const timer = setInterval(schedule, (opts.flushSeconds ?? 60) * 1000);
  timer.unref();

  const netflow =
    opts.netflowPort !== undefined
      ? await startNetflowCollector({ port: opts.netflowPort, host: opts.host, onFlow: onEvent })
      : null;
  const syslog =
    opts.syslogPort !== undefined
      ? await startSyslogCollector({
          port: opts.syslogPort,
          host: opts.host,
          onEvent,
          onReject: () => {
            if (run) run.rejected++;
          },
        })
      : null;
  opts.log.info(
    { netflow: netflow?.port, syslogUdp: syslog?.udpPort, syslogTcp: syslog?.tcpPort },
    'SOC collectors listening',
  );

  return {
    netflowPort: netflow?.port,
    syslogUdpPort: syslog?.udpPort,
    syslogTcpPort: syslog?.tcpPort,
    /** Writes the current findings now (tests, shutdown). */
    flush: () => {
      schedule();
      return flushing;
    },
    async close() {
      clearInterval(timer);
      await netflow?.close();
      await syslog?.close();
      await flushing;
      await flush(true);
      run = null;
    },
  };
}
