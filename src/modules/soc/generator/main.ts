// Script entry: node --import tsx src/modules/soc/generator/main.ts --out DIR [--seed N]
//   [--duration SECONDS] [--rate FLOWS_PER_SECOND] [--formats zeek-tsv,zeek-json,eve] [--gzip]

import { parseArgs } from 'node:util';
import { type DatasetFormat, writeDataset } from './write-dataset.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'bench/out/synthetic' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '3600' },
    rate: { type: 'string', default: '30' },
    formats: { type: 'string', default: 'zeek-tsv,zeek-json,eve' },
    gzip: { type: 'boolean', default: false },
  },
});

const dataset = await writeDataset(values.out, {
  seed: Number(values.seed),
  durationSeconds: Number(values.duration),
  backgroundFlowsPerSecond: Number(values.rate),
  formats: values.formats.split(',') as DatasetFormat[],
  gzip: values.gzip,
});
console.log(
  `Đã sinh / generated ${dataset.flows} flows, ${dataset.truth.scanners.length} scanners, ` +
    `${dataset.truth.maliciousContacts.length} malicious contacts → ${values.out} (truth: ${dataset.truthFile})`,
);
