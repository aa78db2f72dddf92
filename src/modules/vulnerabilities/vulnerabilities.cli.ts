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
import { importScanFile } from './scan-import.ts';
import { importKev, vulnerabilitySummary } from './vulnerabilities.service.ts';

/** A one-line progress bar on a terminal (stderr), silent when piped. */
function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(bytes: number, total: number) {
      if (!tty || Date.now() - last < 100) return;
      last = Date.now();
      const pct = total ? bytes / total : 0;
      const width = 30;
      const bar = '█'.repeat(Math.round(pct * width)).padEnd(width, '░');
      process.stderr.write(
        `\r${label} ${bar} ${(pct * 100).toFixed(0).padStart(3)}% ${(bytes / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`,
      );
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

const SOURCES = {
  file: 'theo tệp / from the file',
  given: 'do người nhập khai / given',
  upload: 'tệp không ghi, dùng thời điểm nhập / none in the file: import time',
} as const;

export function registerScanCommands(program: Command) {
  const scans = program.command('scans').description('Máy tính có lỗ hổng / vulnerability scan reports');
  scans
    .command('import')
    .description(
      'Nhập báo cáo quét (Nessus, OpenVAS/Greenbone, Nmap XML, CSV) / import scanner reports; format detected from content',
    )
    .argument('<files...>', 'report files')
    .option(
      '--scanned-at <datetime>',
      "when the scan ran (ISO 8601), replacing the report's own host times; default: each host's time in the report, the import time for what it does not date",
    )
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], o: { scannedAt?: string; json?: boolean }) => {
      const scannedAt = o.scannedAt ? new Date(o.scannedAt) : undefined;
      if (scannedAt && Number.isNaN(scannedAt.getTime())) fail(`invalid --scanned-at "${o.scannedAt}"`);
      await withDatabase(async ({ db }) => {
        const results = [];
        for (const file of files) {
          const bar = progressBar(file);
          try {
            const r = await importScanFile(db, CLI_ACTOR, file, { scannedAt, onProgress: bar.update });
            bar.done();
            results.push(r);
            if (o.json) continue;
            if (r.duplicate)
              console.log(`${file}: đã nhập trước đó, không thay đổi / already imported, nothing changed`);
            else
              console.log(
                `${file}: ${r.format}, ${r.hosts} máy / hosts (${r.unattributedHosts} chưa xác định đơn vị / unattributed), ${r.findings} lỗ hổng / findings; mới ${r.opened}, mở lại ${r.reopened}, đã khắc phục ${r.resolved}`,
              );
            if (!r.duplicate && r.hosts > 0 && r.scanTimes)
              console.log(
                `  thời điểm quét / scanned ${r.scanTimes.from.toISOString()}${r.scanTimes.to > r.scanTimes.from ? ` – ${r.scanTimes.to.toISOString()}` : ''} (${SOURCES[r.scanTimes.source]})${r.scanTimes.zoneAssumed ? '; giờ không kèm múi giờ, hiểu là UTC+7 / zone-less times read as UTC+7' : ''}`,
              );
            if (r.outcome === 'nothing') console.log('  KHÔNG nhập được lỗ hổng nào / NOTHING imported');
            for (const g of r.issueGroups)
              console.log(`  ${g.code}: ${g.issues} lần / times, ${g.findings} lỗ hổng bị loại / findings refused`);
            for (const i of r.issues) console.log(`  ${file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
          } catch (e) {
            bar.done();
            process.exitCode = 1;
            console.error(`${file}: ${(e as Error).message}`);
          }
        }
        if (o.json) console.log(JSON.stringify(results, null, 2));
      });
    });
  withPeriodOptions(
    scans.command('summary').description('Số máy tính có lỗ hổng trong kỳ / vulnerable computers in a period'),
  ).action((o: PeriodOptions) =>
    withDatabase(async ({ db }) => {
      const s = await vulnerabilitySummary(db, { all: true }, await resolvePeriod(db, o));
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`Kỳ / period ${o.from} – ${o.to}${o.org ? `, đơn vị / organisation ${o.org}` : ''}`);
      console.log(
        `  Máy tính có lỗ hổng / vulnerable computers: ${s.vulnerableComputers} (đã quét / scanned ${s.scannedComputers})`,
      );
      console.log(`  có lỗ hổng nghiêm trọng / with critical: ${s.withCritical}; mức cao / with high: ${s.withHigh}`);
      console.log(
        `  bị khai thác thực tế (KEV) / known exploited: ${s.kevCatalogueEntries ? s.knownExploitedComputers : 'chưa nạp danh mục KEV / no KEV catalogue loaded'}`,
      );
      for (const t of s.topVulnerabilities.slice(0, 5))
        console.log(`  ${String(t.computers).padStart(5)} × [${t.severity}] ${t.name}`);
    }),
  );
  scans
    .command('kev')
    .description('Nạp danh mục CISA KEV / load the CISA Known Exploited Vulnerabilities catalogue (JSON file)')
    .argument('<file>', 'known_exploited_vulnerabilities.json')
    .action((file: string) =>
      withDatabase(async ({ db }) => {
        let json: unknown;
        try {
          json = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          fail(`${file}: ${(e as Error).message}`);
        }
        const r = await importKev(db, CLI_ACTOR, json).catch((e: Error) => fail(`${file}: ${e.message}`));
        console.log(
          `${r.catalogueEntries} CVE trong danh mục / in catalogue; ${r.newlyFlaggedFindings} lỗ hổng mới được đánh dấu / findings newly flagged`,
        );
      }),
    );
}
