// Writes a synthetic data set to a folder: the same flows as Zeek TSV, Zeek JSON and/or EVE,
// the threat intel as a STIX 2.1 bundle, and truth.json beside them.

import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { type GroundTruth, Scenario, type ScenarioOptions, type TruthIndicator } from './scenario.ts';
import {
  connectionUid,
  eveLines,
  type ZeekLogName,
  zeekConnJson,
  zeekConnLine,
  zeekHeader,
  zeekNameJson,
  zeekNameLine,
  zeekNameLog,
} from './writers.ts';

export type DatasetFormat = 'zeek-tsv' | 'zeek-json' | 'eve';

export interface DatasetOptions extends ScenarioOptions {
  formats?: DatasetFormat[];
  gzip?: boolean;
}

export interface Dataset {
  truth: GroundTruth;
  flows: number;
  /** Paths of the written logs, by format (conn first for Zeek). */
  files: Record<DatasetFormat, string[]>;
  intelFile: string;
  truthFile: string;
}

/** Buffers lines and writes in large chunks, honouring back-pressure. */
class Output {
  private readonly stream: Writable;
  private readonly done: Promise<unknown>;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    readonly path: string,
    gzip: boolean,
  ) {
    const file = createWriteStream(path);
    this.done = once(file, 'close');
    if (gzip) {
      const zip = createGzip({ level: 1 });
      zip.pipe(file);
      this.stream = zip;
    } else this.stream = file;
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await this.done;
  }
}

function stixBundle(indicators: TruthIndicator[], start: number): object {
  const created = new Date((start - 7 * 86400) * 1000).toISOString();
  const pattern = (i: TruthIndicator) => {
    if (i.type === 'ip') return `[ipv4-addr:value = '${i.value}']`;
    if (i.type === 'cidr') return `[ipv4-addr:value ISSUBSET '${i.value}']`;
    if (i.type === 'domain') return `[domain-name:value = '${i.value}']`;
    return `[url:value = '${i.value}']`;
  };
  return {
    type: 'bundle',
    id: 'bundle--6f1d3c1e-0000-4000-8000-000000000000',
    objects: indicators.map((indicator, n) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--6f1d3c1e-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
      created,
      modified: created,
      name: `synthetic ${indicator.type} ${indicator.value}`,
      pattern: pattern(indicator),
      pattern_type: 'stix',
      valid_from: indicator.validFrom ?? created,
      ...(indicator.validUntil ? { valid_until: indicator.validUntil } : {}),
      confidence: 90,
    })),
  };
}

export async function writeDataset(dir: string, options: DatasetOptions = {}): Promise<Dataset> {
  mkdirSync(dir, { recursive: true });
  const formats = options.formats ?? ['zeek-tsv', 'zeek-json', 'eve'];
  const gz = options.gzip ? '.gz' : '';
  const scenario = new Scenario(options);
  const truth = scenario.truth;
  const zeekLogs: ZeekLogName[] = ['conn', 'dns', 'ssl', 'http'];
  const open = (name: string) => new Output(join(dir, name + gz), options.gzip ?? false);
  const tsv = formats.includes('zeek-tsv') ? new Map(zeekLogs.map((log) => [log, open(`${log}.log`)])) : null;
  const json = formats.includes('zeek-json') ? new Map(zeekLogs.map((log) => [log, open(`${log}.json`)])) : null;
  const eve = formats.includes('eve') ? open('eve.json') : null;
  if (tsv) for (const [log, output] of tsv) await output.write(zeekHeader(log, truth.start));
  let flows = 0;
  for (const flow of scenario.flows()) {
    const uid = connectionUid(flows);
    flows++;
    const nameLog = zeekNameLog(flow);
    if (tsv) {
      await tsv.get('conn')?.write(zeekConnLine(flow, uid));
      if (nameLog) await tsv.get(nameLog)?.write(zeekNameLine(flow, uid));
    }
    if (json) {
      await json.get('conn')?.write(zeekConnJson(flow, uid));
      if (nameLog) await json.get(nameLog)?.write(zeekNameJson(flow, uid));
    }
    if (eve) await eve.write(eveLines(flow, flows));
  }
  const closeAt = new Date((truth.start + truth.durationSeconds) * 1000)
    .toISOString()
    .slice(0, 19)
    .replace('T', '-')
    .replaceAll(':', '-');
  if (tsv) for (const output of tsv.values()) await output.write(`#close\t${closeAt}\n`);
  const outputs = [...(tsv?.values() ?? []), ...(json?.values() ?? []), ...(eve ? [eve] : [])];
  await Promise.all(outputs.map((o) => o.close()));
  const intelFile = join(dir, 'intel.stix.json');
  writeFileSync(intelFile, JSON.stringify(stixBundle(truth.indicators, truth.start), null, 1));
  const truthFile = join(dir, 'truth.json');
  writeFileSync(truthFile, JSON.stringify(truth, null, 1));
  return {
    truth,
    flows,
    files: {
      'zeek-tsv': tsv ? [...tsv.values()].map((o) => o.path) : [],
      'zeek-json': json ? [...json.values()].map((o) => o.path) : [],
      eve: eve ? [eve.path] : [],
    },
    intelFile,
    truthFile,
  };
}
