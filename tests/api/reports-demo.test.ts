import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/core/db/client.ts';
import { formatNumber } from '../../src/core/documents/index.ts';
import { startApp } from '../support/app.ts';
import { TEST_DATABASES, type TestDbKind } from '../support/db.ts';
import { POPPLER, pdfBodyText, pdfPagesToPng } from '../support/documents.ts';

/**
 * The check, on the demo province loaded by the real CLI (`khien demo`) into a scratch database of each
 * kind: the six-month statement for H1 2024 (`khien report six-month`) prints the SOC and vulnerable-computer
 * figures `khien soc summary` and `khien scans summary` give for the period (read back with pdftotext); its DOCX,
 * converted to PDF by LibreOffice headless (a real renderer opening it), says the same; every figure the report
 * prints equals the API's for the same period and day. Page images go to dist/reports/ (CI artifacts).
 */
const SOFFICE = spawnSync('soffice', ['--version']).status === 0;
if (!SOFFICE) {
  if (process.env.KHIEN_REQUIRE_ALL === '1') throw new Error('soffice required (KHIEN_REQUIRE_ALL=1) but not found');
  console.warn('SKIPPED: DOCX rendering check — no LibreOffice (apt install libreoffice-writer-nogui)');
}
const ADMIN_URL = process.env.KHIEN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ARTIFACTS = join(process.cwd(), 'dist', 'reports');
const H1_2024 = ['--from', '2024-01-01', '--to', '2024-06-30'];

describe.each(TEST_DATABASES)('official reports on the demo data (real CLI) on %s', (kind: TestDbKind) => {
  const work = mkdtempSync(join(tmpdir(), 'khien-reports-'));
  let env: Record<string, string>;
  let pgName: string | null = null;

  const khien = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/khien.mjs', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 240_000,
    });
    if (r.status !== 0) throw new Error(`khien ${args.join(' ')} → ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  const json = <T>(...args: string[]) => JSON.parse(khien(...args, '--json')) as T;

  beforeAll(async () => {
    if (kind === 'pglite') env = { KHIEN_DATA_DIR: join(work, 'data'), DATABASE_URL: '' };
    else {
      pgName = `khien_reports_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`create database ${pgName}`);
      await admin.end();
      const url = new URL(ADMIN_URL);
      url.pathname = `/${pgName}`;
      env = { DATABASE_URL: url.toString() };
    }
    khien('demo');
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    if (pgName) {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${pgName} with (force)`);
      await admin.end();
    }
  });

  type Soc = { scanningIps: number; internalScanningIps: number; maliciousContactIps: number };
  type Vulns = { vulnerableComputers: number; withCritical: number; withHigh: number; vulnerableWebsites: number };
  const figureTexts = (soc: Soc, v: Vulns) => [
    `phát hiện ${formatNumber(soc.scanningIps)} địa chỉ IP có hành vi thực hiện rà quét mạng`,
    `${formatNumber(soc.maliciousContactIps)} địa chỉ IP có hành vi kết nối đến máy chủ độc hại`,
    `phát hiện ${formatNumber(v.vulnerableComputers)} máy tính có lỗ hổng`,
    `trong đó ${formatNumber(v.withCritical)} máy tính có lỗ hổng mức nghiêm trọng`,
    `${formatNumber(v.withHigh)} máy tính có lỗ hổng mức cao`,
    `${formatNumber(v.vulnerableWebsites)} trang web có lỗ hổng`,
  ];

  it.skipIf(!POPPLER)(
    'prints in the H1 2024 statement (PDF) the figures of `khien soc summary` and `khien scans summary`',
    () => {
      const soc = json<Soc>('soc', 'summary', ...H1_2024);
      const vulns = json<Vulns>('scans', 'summary', ...H1_2024);
      // The seed's own statement: 617 vulnerable computers, more than 84 scanners, 2 malicious contacts.
      expect(vulns.vulnerableComputers).toBe(617);
      expect(soc.maliciousContactIps).toBe(2);
      const out = join(work, 'h1.pdf');
      khien('report', 'six-month', '--year', '2024', '--half', '1', '--format', 'pdf', '-o', out);
      const pdf = readFileSync(out);
      const text = pdfBodyText(pdf);
      for (const t of figureTexts(soc, vulns)) expect(text).toContain(t);
      expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
      expect(text).toContain('Kết quả công tác bảo đảm an toàn thông tin mạng 6 tháng đầu năm 2024');
      expect(text).toContain('từ ngày 01/01/2024 đến ngày 30/06/2024');
      expect(text).toMatch(/Số: \/BC-UBND/);
      expect(text).toContain('Nơi nhận:');
      expect(pdfPagesToPng(pdf, ARTIFACTS, `six-month-2024-1-${kind}`).length).toBeGreaterThan(0);
    },
    180_000,
  );

  it.skipIf(!POPPLER || !SOFFICE)(
    'writes a DOCX that LibreOffice opens and renders with the same figures',
    () => {
      const soc = json<Soc>('soc', 'summary', ...H1_2024);
      const vulns = json<Vulns>('scans', 'summary', ...H1_2024);
      const out = join(work, 'h1.docx');
      khien('report', 'six-month', '--year', '2024', '--half', '1', '--format', 'docx', '-o', out);
      const profile = join(work, 'lo-profile');
      const outdir = join(work, 'libreoffice');
      execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', outdir, out],
        { timeout: 120_000, stdio: 'ignore' },
      );
      const converted = readFileSync(join(outdir, 'h1.pdf'));
      const text = pdfBodyText(converted);
      for (const t of figureTexts(soc, vulns)) expect(text).toContain(t);
      expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      pdfPagesToPng(converted, ARTIFACTS, `six-month-2024-1-docx-${kind}`);
    },
    240_000,
  );

  it.skipIf(!POPPLER)(
    'writes the annual report by level with the data year 15/12/2023 – 14/12/2024 and its recipient',
    () => {
      const out = join(work, 'annual.pdf');
      khien('report', 'annual', '--year', '2024', '--format', 'pdf', '-o', out);
      const pdf = readFileSync(out);
      const text = pdfBodyText(pdf);
      const soc = json<Soc>('soc', 'summary', '--from', '2023-12-15', '--to', '2024-12-14');
      expect(text).toContain('số liệu từ ngày 15/12/2023 đến ngày 14/12/2024');
      expect(text).toContain(`phát hiện ${formatNumber(soc.scanningIps)} địa chỉ IP`);
      // The province (the owner) sends it to the Ministry before 25/12 (TT 12/2022 Art. 13).
      expect(text).toContain('gửi trước ngày 25/12/2024');
      expect(text).toContain('Hệ thống thông tin theo cấp độ');
      pdfPagesToPng(pdf, ARTIFACTS, `annual-2024-${kind}`);
    },
    180_000,
  );

  it('gives through the API the same figures as the modules’ own routes for the period and day', async () => {
    let database: Database | null = null;
    try {
      database =
        kind === 'pglite'
          ? await openDatabase({ dataDir: join(work, 'data', 'pglite') })
          : await openDatabase({ url: env.DATABASE_URL as string });
      const t = await startApp(database);
      const dept = await t.userWithRole('reports.dept', 'department');
      const get = async (url: string) => {
        const res = await dept.request('GET', url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        return res.json();
      };
      const report = await get('/api/reports/preview?kind=six_month&year=2024&half=1');
      const soc = await get('/api/soc/summary?from=2024-01-01&to=2024-06-30');
      const vulns = await get('/api/vulnerabilities/summary?from=2024-01-01&to=2024-06-30');
      const targets = await get('/api/targets?asOf=2024-06-30');
      expect(report.period).toEqual({ from: '2024-01-01', to: '2024-06-30', asOf: '2024-06-30' });
      expect(report.soc).toMatchObject({
        scanningIps: soc.scanningIps,
        internalScanningIps: soc.internalScanningIps,
        maliciousContactIps: soc.maliciousContactIps,
        byTriage: soc.byTriage,
      });
      for (const k of [
        'vulnerableComputers',
        'withCritical',
        'withHigh',
        'scannedComputers',
        'vulnerableWebsites',
        'websitesWithCritical',
        'scannedWebsites',
      ])
        expect(report.vulnerabilities[k], k).toBe(vulns[k]);
      expect(report.targets.map((x: { id: string; met: number; total: number }) => [x.id, x.met, x.total])).toEqual(
        targets.map((x: { id: string; met: number; total: number }) => [x.id, x.met, x.total]),
      );
      // Every task of the province's order, as the leaders' board shows it for the period's end.
      const board = await get('/api/oversight?asOf=2024-06-30&children=false');
      type Task = { id: string; value: number | null; state: string };
      const pick = (ts: Task[]) => ts.map((x) => [x.id, x.value, x.state]);
      expect(board.tasks.length).toBeGreaterThan(10);
      expect(pick(report.tasks)).toEqual(pick(board.tasks));
      // The annual report's inspections are the inspections module's figures for its data year.
      const annual = await get('/api/reports/preview?kind=annual&year=2024');
      const inspections = await get('/api/inspections/figures?from=2023-12-15&to=2024-12-14');
      expect(annual.inspections).toEqual(inspections);
      expect(annual.period).toEqual({ from: '2023-12-15', to: '2024-12-14', asOf: '2024-12-14' });
      // The monitoring report: the SOC's sources of the half and what they found, as the SOC summary counts it.
      const monitoring = await get('/api/reports/preview?kind=monitoring&year=2024&half=1');
      expect(monitoring.sources.length).toBeGreaterThan(0);
      expect(monitoring.soc.scanningIps).toBe(soc.scanningIps);
      expect(monitoring.soc.byTriage).toEqual(soc.byTriage);
      expect(monitoring.monitoredSystems.every((x: { level: number }) => x.level >= 3)).toBe(true);
      // A district's statement counts its own subtree (communes included): the same as the summaries filtered to it.
      const units = (await get('/api/organisations?asOf=2024-06-30')) as { id: string; code: string }[];
      const district = units.find((o) => o.code === '137');
      expect(district).toBeDefined();
      const q = `from=2024-01-01&to=2024-06-30&organisationId=${district?.id}`;
      const own = await get(`/api/reports/preview?kind=six_month&year=2024&half=1&organisationId=${district?.id}`);
      const ownSoc = await get(`/api/soc/summary?${q}`);
      const ownVulns = await get(`/api/vulnerabilities/summary?${q}`);
      expect(own.soc.scanningIps).toBe(ownSoc.scanningIps);
      expect(own.soc.scanningIps).toBeGreaterThan(0);
      expect(own.vulnerabilities.vulnerableComputers).toBe(ownVulns.vulnerableComputers);
      expect(own.vulnerabilities.vulnerableComputers).toBeLessThan(report.vulnerabilities.vulnerableComputers);
      await t.app.close();
    } finally {
      await database?.close();
    }
  });
});
