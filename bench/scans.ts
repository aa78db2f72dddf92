// Benchmark of the scanner-report parsers: generates a realistic Nessus v2 report of at least
// 200 MB (reused if present), parses it in a child process (so its peak RSS is the parser's
// own) and prints MB/s, findings/s and peak RSS beside the time `xmllint --stream` takes.
//   npm run bench:scans [-- --size-mb 400]
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom as random } from '../src/core/random.ts';
import { parseScanFile } from '../src/modules/vulnerabilities/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;

const PLUGINS = [
  ['10863', 'SSL Certificate Information', 'General', 'www', 443],
  ['57582', 'SSL Self-Signed Certificate', 'General', 'www', 443],
  ['42873', 'SSL Medium Strength Cipher Suites Supported (SWEET32)', 'General', 'www', 443],
  ['97833', 'MS17-010: Security Update for Microsoft Windows SMB Server (ETERNALBLUE)', 'Windows', 'cifs', 445],
  ['58453', 'Terminal Services Doesn&apos;t Use Network Level Authentication (NLA) Only', 'Misc.', 'msrdp', 3389],
  ['11219', 'Nessus SYN scanner', 'Port scanners', 'general', 0],
  ['19506', 'Nessus Scan Information', 'Settings', 'general', 0],
  ['156164', 'Apache Log4Shell RCE detection via callback correlation (Direct Check HTTP)', 'Web Servers', 'www', 8080],
  ['142960', 'PHP 7.3.x &lt; 7.3.24 Multiple Vulnerabilities', 'CGI abuses', 'www', 80],
  ['51192', 'SSL Certificate Cannot Be Trusted', 'General', 'www', 443],
] as const;

const WORDS =
  'the remote host is affected by a vulnerability that allows an unauthenticated attacker to execute arbitrary code via crafted requests against the service which does not validate input before processing memory buffers'.split(
    ' ',
  );

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)] as string);
  return `${out.join(' ')}.`;
}

function item(rnd: () => number, host: number): string {
  const [id, name, family, svc, port] = PLUGINS[Math.floor(rnd() * PLUGINS.length)] as (typeof PLUGINS)[number];
  const severity = Math.floor(rnd() * rnd() * 5);
  const cves = Array.from({ length: severity ? Math.floor(rnd() * 6) : 0 }, () => {
    return `<cve>CVE-20${10 + Math.floor(rnd() * 15)}-${1000 + Math.floor(rnd() * 40000)}</cve>`;
  }).join('\n');
  const score = (severity * 2 + rnd() * 2).toFixed(1);
  const output = Array.from({ length: 1 + Math.floor(rnd() * 30) }, (_, i) => `  Line ${i} : ${sentence(rnd, 8)}`);
  return `<ReportItem port="${port}" svc_name="${svc}" protocol="tcp" severity="${severity}" pluginID="${id}" pluginName="${name}" pluginFamily="${family}">
<agent>all</agent>
<description>${sentence(rnd, 40 + Math.floor(rnd() * 150))}

${sentence(rnd, 30)}</description>
<fname>plugin_${id}.nasl</fname>
<plugin_modification_date>2024/01/15</plugin_modification_date>
<plugin_name>${name}</plugin_name>
<plugin_publication_date>2019/05/14</plugin_publication_date>
<plugin_type>remote</plugin_type>
<risk_factor>${['None', 'Low', 'Medium', 'High', 'Critical'][severity]}</risk_factor>
<script_version>1.${host % 40}</script_version>
<see_also>https://www.tenable.com/plugins/nessus/${id}
https://nvd.nist.gov/vuln/detail/${id}</see_also>
<solution>${sentence(rnd, 20)}</solution>
<synopsis>${sentence(rnd, 12)}</synopsis>
${severity ? `<cvss_base_score>${score}</cvss_base_score>\n<cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:P/A:P</cvss_vector>\n<cvss3_base_score>${score}</cvss3_base_score>\n<cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</cvss3_vector>\n<exploit_available>${rnd() < 0.3}</exploit_available>\n` : ''}${cves}
<plugin_output>
${output.join('\n')}
</plugin_output>
</ReportItem>
`;
}

function hostStart(h: number): string {
  const ip = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
  return `<ReportHost name="${ip}"><HostProperties>
<tag name="HOST_END_TIMESTAMP">${1717200000 + h * 60}</tag>
<tag name="HOST_END">Sat Jun  1 07:${String(h % 60).padStart(2, '0')}:00 2024</tag>
<tag name="operating-system">Microsoft Windows 10 Pro</tag>
<tag name="system-type">general-purpose</tag>
<tag name="netbios-name">PC-${h}</tag>
<tag name="mac-address">00:50:56:${((h >> 8) & 255).toString(16).padStart(2, '0')}:${(h & 255).toString(16).padStart(2, '0')}:01</tag>
<tag name="traceroute-hop-0">10.0.0.1</tag>
<tag name="host-ip">${ip}</tag>
<tag name="host-fqdn">pc-${h}.so-tttt.yenbai.gov.vn</tag>
<tag name="HOST_START_TIMESTAMP">${1717200000 + h * 60 - 600}</tag>
<tag name="HOST_START">Sat Jun  1 06:50:00 2024</tag>
</HostProperties>
`;
}

async function generate(file: string, bytes: number): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const rnd = random(617);
  let written = 0;
  const write = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Policy><policyName>Bench</policyName></Policy>\n');
  await write('<Report name="Bench scan" xmlns:cm="http://www.nessus.org/cm">\n');
  for (let h = 0; written < bytes; h++) {
    await write(hostStart(h));
    const items = 20 + Math.floor(rnd() * 100);
    for (let i = 0; i < items; i++) await write(item(rnd, h));
    await write('</ReportHost>\n');
  }
  out.end('</Report>\n</NessusClientData_v2>\n');
  await once(out, 'finish');
}

/** Child mode: parse the file and print one JSON line of measurements. */
async function child(file: string): Promise<void> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let hosts = 0;
  let findings = 0;
  let fatal: string | null = null;
  for await (const event of parseScanFile(file)) {
    if (event.type === 'host') {
      hosts++;
      findings += event.record.findings.length;
    } else if (event.type === 'end') fatal = event.fatal?.message ?? null;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, cpuSeconds, hosts, findings, maxRssMb, fatal }));
}

function xmllintSeconds(file: string): string {
  const start = performance.now();
  const run = spawnSync('xmllint', ['--stream', '--noout', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.error) return 'xmllint missing (apt-get install -y libxml2-utils)';
  const seconds = (performance.now() - start) / 1000;
  return `${seconds.toFixed(2)} s (${(statSync(file).size / MB / seconds).toFixed(0)} MB/s)${run.status ? ` exit ${run.status}` : ''}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child' && args[1]) return child(args[1]);
  const sizeArg = args.indexOf('--size-mb');
  const sizeMb = sizeArg >= 0 ? Number(args[sizeArg + 1]) : 200;
  const file = join(here, 'out', `nessus-${sizeMb}mb.nessus`);
  if (!existsSync(file) || statSync(file).size < sizeMb * MB) {
    console.log(`generating ${file} …`);
    await generate(file, sizeMb * MB);
  }
  const size = statSync(file).size;
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  const mbps = size / MB / result.seconds;
  const perCpu = size / MB / result.cpuSeconds;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log(`file            ${file} (${(size / MB).toFixed(0)} MB)`);
  console.log(`hosts/findings  ${result.hosts} / ${result.findings}${result.fatal ? ` FATAL ${result.fatal}` : ''}`);
  console.log(`parse           ${result.seconds.toFixed(2)} s`);
  console.log(`throughput      ${mbps.toFixed(1)} MB/s (target ≥ 50: ${met(mbps >= 50)})`);
  // On a shared machine wall time includes waiting for a core; CPU time is what the parser itself costs.
  console.log(
    `per CPU second  ${perCpu.toFixed(1)} MB/s (goal ≥ 120: ${met(perCpu >= 120)}; ${result.cpuSeconds.toFixed(2)} s CPU; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log(`findings/s      ${Math.round(result.findings / result.seconds)}`);
  console.log(`peak RSS        ${result.maxRssMb.toFixed(0)} MB (target < 300: ${met(result.maxRssMb < 300)})`);
  console.log(`xmllint stream  ${xmllintSeconds(file)}`);
}

await main();
