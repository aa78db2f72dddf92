import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatDay } from '../../core/documents/format.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import {
  type CheckVerdict,
  checkSites,
  DEFAULT_EXPIRY_WARN_DAYS,
  DEFAULT_TIMEOUT_MS,
  type SiteCheckName,
  type SiteCheckReport,
} from './check/index.ts';
import { registerSiteRegisterCommands } from './register.cli.ts';

const CHECK_LABELS: Record<SiteCheckName, string> = {
  dns_address: 'Phân giải tên miền (A/AAAA)',
  dns_ns: 'Máy chủ tên miền (NS)',
  dns_mx: 'Máy chủ thư (MX)',
  dns_spf: 'Bản ghi SPF',
  dns_dmarc: 'Bản ghi DMARC',
  https_reachable: 'Truy cập được qua HTTPS',
  http_redirects_https: 'HTTP chuyển sang HTTPS',
  tls_chain_valid: 'Chuỗi chứng thư tin cậy',
  tls_name_match: 'Chứng thư đúng tên miền',
  tls_expiry: 'Thời hạn chứng thư',
  tls_version: 'Phiên bản TLS (≥ 1.2)',
  hsts: 'HSTS',
  header_csp: 'Content-Security-Policy',
  header_x_content_type_options: 'X-Content-Type-Options',
  header_frame_options: 'Chống nhúng khung (frame-ancestors)',
  gov_vn_domain: 'Tên miền .gov.vn',
  privacy_policy: 'Liên kết chính sách bảo vệ dữ liệu cá nhân',
};
const VERDICT_LABELS: Record<CheckVerdict, string> = {
  pass: 'ĐẠT',
  warn: 'CẢNH BÁO',
  fail: 'KHÔNG ĐẠT',
  skip: 'BỎ QUA',
};
const MARKS: Record<CheckVerdict, string> = { pass: '✓', warn: '!', fail: '✗', skip: '–' };

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive whole number`);
  return n;
};
const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];

/** The detail line, with the days people read in dd/mm/yyyy where the checker gave a date. */
function detailLine(r: SiteCheckReport['results'][number]): string {
  if (r.check === 'tls_expiry' && typeof r.data?.validTo === 'string') {
    const day = formatDay(provinceDay(new Date(r.data.validTo)));
    const left = Number(r.data.daysLeft);
    return left < 0 ? `hết hạn ngày ${day}` : `hết hạn ngày ${day} (còn ${left} ngày)`;
  }
  return r.detail;
}

function printReport(report: SiteCheckReport): void {
  const name = report.url === report.host ? report.host : `${report.url} (${report.host})`;
  console.log(`${name}: ${VERDICT_LABELS[report.verdict]}`);
  for (const r of report.results)
    console.log(`  ${MARKS[r.verdict]} ${CHECK_LABELS[r.check]} — ${VERDICT_LABELS[r.verdict]}: ${detailLine(r)}`);
}

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('VALIDATION', `cannot read CA file ${file}: ${(e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new AppError('VALIDATION', `${file} holds no PEM certificate`);
  return pem;
}

type CheckFlags = {
  json?: boolean;
  dns: string[];
  ca: string[];
  mail?: boolean;
  stateBody?: boolean;
  timeout: number;
  warnDays: number;
  concurrency: number;
};

export function registerSitesCommands(sites: Command): Command {
  sites
    .command('check')
    .description(
      'Kiểm tra độ tin cậy của trang web (DNS, HTTPS, chứng thư, tiêu đề bảo mật…) / check websites against the ' +
        'trust criteria; needs no database; exit code 1 when a site fails',
    )
    .argument('<url...>', 'addresses (https://… or a bare host name)')
    .option('--json', 'print one JSON object instead of the text report')
    .addOption(
      new Option('--dns <ip[:port]>', 'DNS server to ask (repeatable, or comma-separated)')
        .argParser(collect)
        .default([], 'the system’s'),
    )
    .addOption(
      new Option('--ca <file>', 'extra trusted CA certificates, PEM (repeatable)')
        .argParser(collect)
        .default([], 'none: the bundled roots only'),
    )
    .option('--mail', 'the domain receives e-mail: check MX, SPF and DMARC')
    .option('--state-body', 'the site belongs to a state body: require a .gov.vn name')
    .option('--timeout <ms>', 'time limit of each network step', positive('--timeout'), DEFAULT_TIMEOUT_MS)
    .option(
      '--warn-days <n>',
      'a certificate expiring within this many days warns',
      positive('--warn-days'),
      DEFAULT_EXPIRY_WARN_DAYS,
    )
    .option('--concurrency <n>', 'sites checked at the same time', positive('--concurrency'), 4)
    .action(async (urls: string[], o: CheckFlags) => {
      const extraCa = o.ca.map(readCaFile);
      const reports = await checkSites(urls, {
        dnsServers: o.dns.length ? o.dns : undefined,
        extraCa,
        mailDomain: o.mail ?? false,
        stateBody: o.stateBody ?? false,
        timeoutMs: o.timeout,
        expiryWarnDays: o.warnDays,
        concurrency: o.concurrency,
      });
      const failed = reports.filter((r) => r.verdict === 'fail').length;
      const verdict = failed ? 'fail' : reports.some((r) => r.verdict === 'warn') ? 'warn' : 'pass';
      if (o.json) console.log(JSON.stringify({ verdict, failed, sites: reports }, null, 2));
      else {
        reports.forEach((r, i) => {
          if (i) console.log('');
          printReport(r);
        });
        console.log(`\n${reports.length} trang, ${failed} không đạt / ${reports.length} sites, ${failed} failed`);
      }
      if (failed) process.exitCode = 1;
    });
  registerSiteRegisterCommands(sites);
  return sites;
}
