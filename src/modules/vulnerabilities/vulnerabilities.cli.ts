import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { eq } from 'drizzle-orm';
import { CLI_ACTOR, fail, withDatabase } from '../../cli/context.ts';
import { organisations } from '../organisations/organisations.schema.ts';
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

const isoDay = (d: string) => {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d);
  const iso = m ? `${m[3]}-${m[2]}-${m[1]}` : d;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) fail(`invalid date "${d}" (dd/mm/yyyy or yyyy-mm-dd)`);
  return iso;
};

export function registerScanCommands(program: Command) {
  const scans = program.command('scans').description('Máy tính có lỗ hổng / vulnerability scan reports');
  scans
    .command('import')
    .description(
      'Nhập báo cáo quét (Nessus, OpenVAS/Greenbone, Nmap XML, CSV) / import scanner reports; format detected from content',
    )
    .argument('<files...>', 'report files')
    .option('--scanned-at <datetime>', 'when the scan ran (ISO 8601); default: now')
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
  scans
    .command('summary')
    .description('Số máy tính có lỗ hổng trong kỳ / vulnerable computers in a period')
    .requiredOption('--from <date>', 'first day (dd/mm/yyyy or yyyy-mm-dd)')
    .requiredOption('--to <date>', 'last day (inclusive)')
    .option('--org <code>', 'organisation code: that organisation and its descendants')
    .option('--json', 'print JSON')
    .action((o: { from: string; to: string; org?: string; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        let organisationId: string | undefined;
        if (o.org) {
          const [org] = await db
            .select({ id: organisations.id })
            .from(organisations)
            .where(eq(organisations.code, o.org));
          if (!org) fail(`unknown organisation code "${o.org}"`);
          organisationId = org.id;
        }
        const s = await vulnerabilitySummary(
          db,
          { all: true },
          { from: isoDay(o.from), to: isoDay(o.to), organisationId },
        );
        if (o.json) return console.log(JSON.stringify(s, null, 2));
        console.log(`Kỳ / period ${o.from} – ${o.to}${o.org ? `, đơn vị / organisation ${o.org}` : ''}`);
        console.log(
          `  Máy tính có lỗ hổng / vulnerable computers: ${s.vulnerableComputers} (đã quét / scanned ${s.scannedComputers})`,
        );
        console.log(`  có lỗ hổng nghiêm trọng / with critical: ${s.withCritical}; mức cao / with high: ${s.withHigh}`);
        console.log(`  bị khai thác thực tế (KEV) / known exploited: ${s.knownExploitedComputers}`);
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
