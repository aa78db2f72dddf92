// `khien soc …`: run the detection engine on log files without server or database.

import { type Command, InvalidArgumentError, Option } from 'commander';
import { type AnalyzeResult, analyzeStreams, loadIntelFiles, MAX_THREADS } from './analyze.ts';
import type { ContactFinding, ScannerFinding } from './engine/types.ts';
import { logFormats } from './parsers/formats.ts';
import type { LogFormat } from './parsers/types.ts';
import { registerStreamCommands } from './stream/stream.cli.ts';

const formatAliases: Record<string, LogFormat | 'auto'> = {
  auto: 'auto',
  'zeek-conn': 'zeek-tsv',
  'zeek-tsv': 'zeek-tsv',
};

/** Made at the first use: loading a time zone's rules takes tens of milliseconds, which `--json` does not need. */
let dateTime: Intl.DateTimeFormat | undefined;

/** dd/mm/yyyy hh:mm:ss in Asia/Ho_Chi_Minh, the product's convention. */
function when(ts: number): string {
  dateTime ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'medium',
    hourCycle: 'h23',
  });
  return dateTime.format(new Date(ts * 1000)).replace(',', '');
}

const kindNames: Record<ScannerFinding['kind'], string> = {
  horizontal: 'quét ngang / horizontal',
  vertical: 'quét dọc / vertical',
  mixed: 'quét hỗn hợp / mixed',
};

function printSummary(result: AnalyzeResult, intelCount: number): void {
  const { scanners, maliciousContacts, stats } = result.findings;
  const outboundHosts = new Set(maliciousContacts.filter((c) => c.direction === 'outbound').map((c) => c.host));
  console.log('KẾT QUẢ PHÂN TÍCH NHẬT KÝ / LOG ANALYSIS');
  for (const input of result.inputs) {
    console.log(
      `  ${input.name}: ${input.format ?? 'không rõ định dạng / unknown format'}, ${input.records} bản ghi / records, ${input.rejected} lỗi / rejected`,
    );
  }
  console.log(
    `Sự kiện đọc được / events read: ${result.events}; bị loại / rejected: ${result.rejected}; bỏ qua / skipped: ${result.skipped}`,
  );
  console.log(
    `Chỉ dấu tình báo / indicators loaded: ${intelCount}; nguồn theo dõi / sources tracked: ${stats.trackedSources}`,
  );
  console.log(`\n${scanners.length} địa chỉ IP có hành vi rà quét / IP addresses scanning the network`);
  for (const s of scanners) {
    const rules = [...new Set(s.rules.map((r) => r.rule))].join(',');
    console.log(
      `  ${s.ip.padEnd(39)} ${kindNames[s.kind]}${s.slow ? ' (chậm / slow)' : ''}; ${s.distinctTargets} đích / targets, ${s.distinctPorts} cổng / ports, ${s.failedAttempts} lần thất bại / failed; ${when(s.firstSeen)} → ${when(s.lastSeen)}; luật / rules: ${rules}`,
    );
  }
  console.log(
    `\n${outboundHosts.size} địa chỉ IP kết nối tới máy chủ độc hại / IP addresses contacting malicious servers`,
  );
  for (const c of maliciousContacts) printContact(c);
  if (result.errors.length > 0) {
    console.log(`\nDòng lỗi (tối đa ${result.errors.length}) / rejected lines:`);
    for (const e of result.errors.slice(0, 20)) console.log(`  ${e.input}:${e.line}: ${e.reason}`);
  }
}

function printContact(c: ContactFinding): void {
  const arrow = c.direction === 'outbound' ? '→' : '←';
  console.log(
    `  ${c.host.padEnd(39)} ${arrow} ${c.indicator} [${c.indicatorType}, nguồn / source: ${c.source}] ${c.count} lần / times via ${c.matchedOn.join(',')}; ${when(c.firstSeen)} → ${when(c.lastSeen)}`,
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function threadCount(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new InvalidArgumentError(`It must be a whole number from 1 to ${MAX_THREADS}.`);
  return threads;
}

interface AnalyzeFlags {
  format: string;
  intel: string[];
  allow: string[];
  threads: number;
  json?: boolean;
}

export function registerSocCommands(soc: Command): void {
  soc
    .command('analyze')
    .description(
      'Phát hiện rà quét và kết nối tới máy chủ độc hại từ nhật ký / detect scanners and contacts with malicious servers in logs ' +
        '(Zeek conn/dns/ssl/http TSV or JSON, Suricata EVE, nfdump CSV, iptables/FortiGate syslog; .gz and - for stdin)',
    )
    .addOption(
      new Option('--format <format>', 'input format').choices(['auto', 'zeek-conn', ...logFormats]).default('auto'),
    )
    .option(
      '--intel <file>',
      'threat-intel file, repeatable: IP/CIDR/domain/URL list, CSV feed, STIX 2.1 bundle, MISP event',
      collect,
      [],
    )
    .option('--allow <cidr>', 'allow-listed scanner network, repeatable (the province’s own scanners)', collect, [])
    .option(
      '--threads <n>',
      'threads that parse and detect (each takes a share of the file chunks and of the source addresses); ' +
        'same results as 1, which runs everything on one thread',
      threadCount,
      1,
    )
    .option('--json', 'print one JSON object instead of the summary')
    .argument('<logfile...>', 'log files (or - for stdin)')
    .action(async (files: string[], options: AnalyzeFlags) => {
      const intel = await loadIntelFiles(options.intel);
      const result = await analyzeStreams(
        files.map((file) => ({ name: file, path: file })),
        {
          format: formatAliases[options.format] ?? (options.format as LogFormat),
          indicators: intel.indicators,
          config: { scan: { allowList: options.allow } },
          threads: options.threads,
        },
      );
      if (options.json) {
        const { scanners, maliciousContacts, stats } = result.findings;
        console.log(
          JSON.stringify({
            events: result.events,
            rejected: result.rejected,
            skipped: result.skipped,
            inputs: result.inputs,
            errors: result.errors,
            intel: { indicators: intel.indicators.length, skipped: intel.skipped, problems: intel.problems },
            scanners,
            maliciousContacts,
            stats,
          }),
        );
      } else {
        for (const p of intel.problems.slice(0, 20)) console.error(`  ${p.input}:${p.line}: ${p.reason}`);
        printSummary(result, intel.indicators.length);
      }
    });
  registerStreamCommands(soc);
}
