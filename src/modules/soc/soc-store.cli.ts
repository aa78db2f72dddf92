import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CLI_ACTOR,
  fail,
  type PeriodOptions,
  resolvePeriod,
  withDatabase,
  withPeriodOptions,
} from '../../cli/context.ts';
import { logFormats } from './parsers/formats.ts';
import type { LogFormat } from './parsers/types.ts';

/**
 * The database-backed SOC commands (`soc analyze` runs without a database; these store what they find). The service
 * loads with an action, so that `soc analyze`, registered beside these, does not load the database.
 */
export function registerSocStoreCommands(soc: Command) {
  soc
    .command('ingest')
    .description(
      'Phân tích nhật ký và lưu kết quả / run log files through the engine with the stored intel and store the findings',
    )
    .argument('<files...>', 'log files (.gz allowed)')
    .option('--format <format>', `auto | ${logFormats.join(' | ')}`, 'auto')
    .option('--json', 'print JSON')
    .action(async (files: string[], o: { format: string; json?: boolean }) => {
      if (o.format !== 'auto' && !logFormats.includes(o.format as LogFormat)) fail(`unknown format "${o.format}"`);
      const { ingestLogFile } = await import('./soc.service.ts');
      await withDatabase(async ({ db }) => {
        for (const file of files) {
          const r = await ingestLogFile(db, CLI_ACTOR, file, {
            fileName: file,
            format: o.format as LogFormat | 'auto',
          });
          if (o.json) console.log(JSON.stringify({ file, ...r }));
          else if (r.duplicate) console.log(`${file}: đã nạp trước đó / already ingested`);
          else {
            console.log(
              `${file}: ${r.format ?? '?'}; ${r.events} sự kiện / events, ${r.rejected} lỗi / rejected; ${r.scanners} nguồn rà quét / scanners, ${r.maliciousContacts} kết nối độc hại / malicious contacts`,
            );
            for (const e of r.errors.slice(0, 10)) console.log(`  ${file}:${e.line}: ${e.reason}`);
          }
        }
      });
    });
  soc
    .command('intel')
    .description(
      'Nạp nguồn tình báo mối đe dọa / load a threat-intel feed (list, CSV, STIX 2.1, MISP) under a source name',
    )
    .argument('<file>', 'feed file')
    .requiredOption('--source <name>', 'source name (e.g. "NCSC 2024-05")')
    .action((file: string, o: { source: string }) =>
      withDatabase(async ({ db }) => {
        const { importIntel } = await import('./soc.service.ts');
        const r = await importIntel(db, CLI_ACTOR, readFileSync(file, 'utf8'), o.source).catch((e: Error) =>
          fail(`${file}: ${e.message}`),
        );
        console.log(
          `${o.source} (${r.format}): thêm ${r.added}, cập nhật ${r.updated}, lỗi ${r.rejected.length}, bỏ qua ${r.skipped}`,
        );
        for (const p of r.rejected.slice(0, 20)) console.log(`  ${file}:${p.line}: ${p.reason}`);
      }),
    );
  withPeriodOptions(
    soc
      .command('summary')
      .description(
        'Thống kê trong kỳ / "N IPs scanned the network, M IPs connected to malicious servers" for a period',
      ),
  ).action((o: PeriodOptions) =>
    withDatabase(async ({ db }) => {
      const { socSummary } = await import('./soc.service.ts');
      const s = await socSummary(db, { all: true }, await resolvePeriod(db, o));
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(
        `Từ ${o.from} đến ${o.to}: ${s.scanningIps} địa chỉ IP thực hiện rà quét mạng (${s.internalScanningIps} trong nội bộ), ` +
          `${s.maliciousContactIps} địa chỉ IP kết nối tới máy chủ độc hại.`,
      );
    }),
  );
}
