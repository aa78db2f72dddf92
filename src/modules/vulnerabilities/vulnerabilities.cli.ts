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
import { AppError } from '../../core/errors.ts';
import { FORMATS } from './parsers/index.ts';
import { importScanFile, type ScanImportResult } from './scan-import.ts';
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

/**
 * What a file's import left out, and why: informational items (read, never vulnerabilities), then each kind of issue
 * with how many findings it cost and its first place in the file.
 */
function skipped(r: ScanImportResult) {
  return [
    ...(r.informational ? [{ reason: 'informational', issues: 0, findings: r.informational }] : []),
    ...r.issueGroups.map((g) => {
      const first = r.issues.find((i) => i.code === g.code);
      return {
        reason: g.code,
        issues: g.issues,
        findings: g.findings,
        ...(first ? { first: `${first.line}:${first.column} ${first.message}` } : {}),
      };
    }),
  ];
}

const SOURCES = {
  file: 'theo tệp / from the file',
  given: 'do người nhập khai / given',
  upload: 'tệp không ghi, dùng thời điểm nhập / none in the file: import time',
} as const;

export function registerScanCommands(scans: Command) {
  scans
    .command('import')
    .description(
      'Nhập báo cáo quét máy tính hoặc trang web / import host or web scanner reports; format detected from content',
    )
    .argument('<files...>', 'report files')
    .option(
      '--scanned-at <datetime>',
      "when the scan ran (ISO 8601), replacing the report's own host times; default: each host's time in the report, the import time for what it does not date",
    )
    .option(
      '--json',
      'print one result per file as JSON: format, subject (hosts or websites), counts stored, what was skipped and why (a refused file: its error)',
    )
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
            const web = FORMATS.find((f) => f.format === r.format)?.subject === 'website';
            results.push({ file, subject: web ? 'websites' : 'hosts', ...r, skipped: skipped(r) });
            if (o.json) continue;
            const subjects = web
              ? `${r.websites} trang web / websites (${r.unattributedWebsites} chưa xác định đơn vị / unattributed)`
              : `${r.hosts} máy / hosts (${r.unattributedHosts} chưa xác định đơn vị / unattributed)`;
            if (r.duplicate)
              console.log(`${file}: đã nhập trước đó, không thay đổi / already imported, nothing changed`);
            else
              console.log(
                `${file}: ${r.format}, ${subjects}, ${r.findings} lỗ hổng / findings; mới ${r.opened}, mở lại ${r.reopened}, đã khắc phục ${r.resolved}`,
              );
            if (!r.duplicate && r.hosts + r.websites > 0 && r.scanTimes)
              console.log(
                `  thời điểm quét / scanned ${r.scanTimes.from.toISOString()}${r.scanTimes.to > r.scanTimes.from ? ` – ${r.scanTimes.to.toISOString()}` : ''} (${SOURCES[r.scanTimes.source]})${r.scanTimes.zoneAssumed ? '; giờ không kèm múi giờ, hiểu là UTC+7 / zone-less times read as UTC+7' : ''}`,
              );
            if (r.outcome === 'nothing') console.log('  KHÔNG nhập được lỗ hổng nào / NOTHING imported');
            if (r.informational)
              console.log(
                `  bỏ qua / skipped ${r.informational} mục thông tin, không phải lỗ hổng / informational items`,
              );
            for (const g of r.issueGroups)
              console.log(`  ${g.code}: ${g.issues} lần / times, ${g.findings} lỗ hổng bị loại / findings refused`);
            for (const i of r.issues) console.log(`  ${file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
          } catch (e) {
            bar.done();
            process.exitCode = 1;
            const err = e as Error;
            if (o.json)
              results.push({
                file,
                error: {
                  message: err.message,
                  ...(err instanceof AppError ? { code: err.code, key: err.key, details: err.details } : {}),
                },
              });
            else console.error(`${file}: ${err.message}`);
          }
        }
        if (o.json) console.log(JSON.stringify(results, null, 2));
      });
    });
  withPeriodOptions(
    scans
      .command('summary')
      .description('Số máy tính, trang web có lỗ hổng trong kỳ / vulnerable computers and websites in a period'),
  ).action((o: PeriodOptions) =>
    withDatabase(async ({ db }) => {
      const s = await vulnerabilitySummary(db, { all: true }, await resolvePeriod(db, o));
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`Kỳ / period ${s.period.from} – ${s.period.to}${o.org ? `, đơn vị / organisation ${o.org}` : ''}`);
      const kev = s.kevCatalogueEntries ? String(s.knownExploitedComputers) : '–';
      // Computers and websites side by side, one figure a line.
      const rows: [string, number | string, number | string][] = [
        ['', 'Máy tính / computers', 'Trang web / websites'],
        ['có lỗ hổng / vulnerable', s.vulnerableComputers, s.vulnerableWebsites],
        ['  có mức nghiêm trọng / with critical', s.withCritical, s.websitesWithCritical],
        ['  có mức cao / with high', s.withHigh, s.websitesWithHigh],
        ...(['critical', 'high', 'medium', 'low'] as const).map((k): [string, number, number] => [
          `  cao nhất là / most severe ${k}`,
          s.byMaxSeverity[k],
          s.websitesByMaxSeverity[k],
        ]),
        ['  chưa xác định đơn vị / unattributed', s.unattributedVulnerableComputers, s.unattributedVulnerableWebsites],
        ['  bị khai thác thực tế / known exploited (KEV)', kev, '–'],
        ['đã quét trong kỳ / scanned in the period', s.scannedComputers, s.scannedWebsites],
      ];
      for (const [label, computers, websites] of rows)
        console.log(`  ${label.padEnd(46)} ${String(computers).padStart(20)} ${String(websites).padStart(20)}`);
      if (!s.kevCatalogueEntries) console.log('  (KEV: chưa nạp danh mục / no catalogue loaded: khien scans kev FILE)');
      // The ten with most, then every other unit with a vulnerable website (few, and easily cut off by computers).
      const units = s.byOrganisation.filter((u, i) => i < 10 || u.vulnerableWebsites > 0);
      if (units.length) console.log('  Theo đơn vị / by organisation (máy tính / computers, trang web / websites):');
      for (const u of units)
        console.log(
          `  ${String(u.vulnerableComputers).padStart(7)} ${String(u.vulnerableWebsites).padStart(7)}  ${u.name ?? 'chưa xác định / unattributed'}`,
        );
      for (const t of s.topVulnerabilities.slice(0, 5))
        console.log(`  ${String(t.computers).padStart(5)} máy / computers × [${t.severity}] ${t.name}`);
      for (const t of s.topWebVulnerabilities.slice(0, 5))
        console.log(`  ${String(t.websites).padStart(5)} trang web / websites × [${t.severity}] ${t.name}`);
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
