import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR, withDatabase } from '../../cli/context.ts';
import { describeRange } from '../../core/version-range.ts';
import { importAdvisory } from './advisories.service.ts';
import { MAX_ADVISORY_FILE_BYTES, type ParsedAdvisory, parseAdvisoryFile } from './formats.ts';
import { runAdvisoryEscalation } from './loop.service.ts';

type Product = {
  vendor: string | null;
  product: string;
  range: string;
  cpe: string | null;
  status: string;
  cves: string[];
};
type FileResult = {
  file: string;
  format: string;
  outcome?: string;
  advisory: {
    id: string | null;
    externalId: string;
    sourceNumber: string;
    revision: string;
    title: string;
    severity: string;
    cves: string[];
    knownExploited?: string[];
    products: Product[];
  };
  targetedOrganisations?: { id: string; name: string; targets: number }[];
  unattributedTargets?: number;
};

/** What a dry run shows of a parsed document (no database: nothing is matched). */
const fromParsed = (file: string, p: ParsedAdvisory): FileResult => ({
  file,
  format: p.format,
  advisory: {
    id: null,
    externalId: p.externalId,
    sourceNumber: p.sourceNumber,
    revision: p.revision,
    title: p.title,
    severity: p.severity,
    cves: p.cves,
    products: p.products.map((x) => ({
      vendor: x.vendor,
      product: x.product,
      range: describeRange(x) === '*' && x.rangeText ? x.rangeText : describeRange(x),
      cpe: x.cpe,
      status: x.status,
      cves: x.cves,
    })),
  },
});

const readFile = (file: string) => {
  if (statSync(file).size > MAX_ADVISORY_FILE_BYTES)
    throw new Error(`larger than ${MAX_ADVISORY_FILE_BYTES / 1024 / 1024} MB`);
  return readFileSync(file);
};

function print(r: FileResult) {
  const a = r.advisory;
  console.log(
    `${r.file}: ${r.format} ${a.sourceNumber} (${a.revision})${r.outcome ? ` — ${r.outcome}` : ''}${a.id ? ` id ${a.id}` : ''}`,
  );
  console.log(`  ${a.title}`);
  console.log(`  mức / severity: ${a.severity}; CVE: ${a.cves.join(', ') || '—'}`);
  if (a.knownExploited?.length)
    console.log(`  đang bị khai thác (KEV) / known exploited: ${a.knownExploited.join(', ')}`);
  for (const p of a.products)
    console.log(
      `  [${p.status}] ${[p.vendor, p.product].filter(Boolean).join(' ')} ${p.range}${p.cpe ? ` ${p.cpe}` : ''}`,
    );
  if (r.targetedOrganisations) {
    console.log(`  đơn vị bị ảnh hưởng / targeted organisations: ${r.targetedOrganisations.length}`);
    for (const o of r.targetedOrganisations) console.log(`    ${o.name}: ${o.targets}`);
    if (r.unattributedTargets) console.log(`    (chưa xác định đơn vị / unattributed: ${r.unattributedTargets})`);
  }
}

export function registerAdvisoryCommands(cmd: Command) {
  cmd
    .command('import')
    .description(
      'Nhập cảnh báo CSAF 2.0 hoặc bản ghi CVE JSON 5 (nhận dạng theo nội dung) / import CSAF 2.0 advisories or CVE JSON 5 records',
    )
    .argument('<files...>', 'JSON files')
    .option('--dry-run', 'read and show each file without a database (nothing is stored or matched)')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], o: { dryRun?: boolean; json?: boolean }) => {
      const results: FileResult[] = [];
      const failed: { file: string; error: string; details?: unknown }[] = [];
      const each = async (handle: (file: string, bytes: Buffer) => Promise<FileResult>) => {
        for (const file of files) {
          try {
            const r = await handle(file, readFile(file));
            results.push(r);
            if (!o.json) print(r);
          } catch (e) {
            process.exitCode = 1;
            const details = (e as { details?: unknown }).details;
            failed.push({ file, error: (e as Error).message, ...(details ? { details } : {}) });
            if (!o.json) console.error(`${file}: ${(e as Error).message}`);
          }
        }
      };
      if (o.dryRun) await each(async (file, bytes) => fromParsed(file, parseAdvisoryFile(bytes, basename(file))));
      else
        await withDatabase(({ db }) =>
          each(async (file, bytes) => {
            const r = await importAdvisory(db, CLI_ACTOR, bytes, { fileName: basename(file) });
            return {
              file,
              format: r.format,
              outcome: r.outcome,
              advisory: r.advisory,
              targetedOrganisations: r.targetedOrganisations,
              unattributedTargets: r.unattributedTargets,
            };
          }),
        );
      if (o.json) console.log(JSON.stringify({ files: results, errors: failed }, null, 2));
    });
  cmd
    .command('escalate')
    .description('Kiểm tra quá hạn và báo cáo người đứng đầu / escalate agencies late on an advisory (once each)')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withDatabase(async ({ db }) => {
        const r = await runAdvisoryEscalation(db);
        if (o.json) return console.log(JSON.stringify(r, null, 2));
        console.log(
          `${r.today}: ${r.escalated} đơn vị quá hạn được báo cáo / agencies escalated, ${r.notifications} thông báo / notifications, ${r.confirmed} đối tượng được xác nhận qua quét / targets confirmed by scans`,
        );
      }),
    );
}
