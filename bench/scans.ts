// Benchmark of the scanner-report parsers as whole processes: generates realistic reports (reused if present) — a
// Nessus v2 XML of at least 200 MB, a Nessus CSV export, a Wazuh JSON document and Nuclei JSON Lines of at least 100 MB
// each — parses each in a child process (so its peak RSS is the parser's own) and prints MB/s, findings/s and peak RSS
// beside a reference reading the same file in the same run: `xmllint --stream` for XML, DuckDB's read_csv/read_json
// and jq for CSV and JSON.
//   npm run bench:scans [-- --size-mb 400 --text-mb 200]
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

/** A Nessus v2 report of at least `bytes` bytes (also the input of `npm run bench:scan-import`). */
export async function generate(file: string, bytes: number): Promise<void> {
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
  let subjects = 0;
  let findings = 0;
  let fatal: string | null = null;
  let format: string | null = null;
  for await (const event of parseScanFile(file)) {
    if (event.type === 'host' || event.type === 'website') {
      subjects++;
      findings += event.record.findings.length;
    } else if (event.type === 'end') {
      fatal = event.fatal?.message ?? null;
      format = event.format;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, cpuSeconds, subjects, findings, maxRssMb, fatal, format }));
}

/** A Nessus CSV export: one row per plugin result and CVE, quoted multi-line texts as Nessus writes them. */
async function generateCsv(file: string, bytes: number): Promise<void> {
  await writeFile(file, bytes, async (write) => {
    const rnd = random(84);
    await write(
      '"Plugin ID","CVE","CVSS v2.0 Base Score","Risk","Host","Protocol","Port","Name","Synopsis","Description","Solution","See Also","Plugin Output"\n',
    );
    for (let h = 0; ; h++) {
      const ip = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
      for (let i = 20 + Math.floor(rnd() * 60); i > 0; i--) {
        const [id, name, , , port] = PLUGINS[Math.floor(rnd() * PLUGINS.length)] as (typeof PLUGINS)[number];
        const severity = Math.floor(rnd() * rnd() * 5);
        const risk = ['None', 'Low', 'Medium', 'High', 'Critical'][severity];
        const cves = severity ? Math.max(1, Math.floor(rnd() * 4)) : 1;
        for (let c = 0; c < cves; c++) {
          const cve = severity ? `CVE-20${10 + Math.floor(rnd() * 15)}-${1000 + Math.floor(rnd() * 40000)}` : '';
          const more = await write(
            `"${id}","${cve}","${severity ? (severity * 2 + rnd() * 2).toFixed(1) : ''}","${risk}","${ip}","tcp","${port}","${name.replaceAll('&apos;', "'").replaceAll('&lt;', '<')}","${sentence(rnd, 12)}","${sentence(rnd, 40 + Math.floor(rnd() * 80))}\n\n${sentence(rnd, 20)}","${sentence(rnd, 20)}","https://www.tenable.com/plugins/nessus/${id}","Line 1 : ${sentence(rnd, 8)}\nLine 2 : ${sentence(rnd, 8)}"\n`,
          );
          if (!more) return;
        }
      }
    }
  });
}

const NUCLEI = [
  ['http-missing-security-headers', 'info', 'HTTP Missing Security Headers', ''],
  ['CVE-2021-44228', 'critical', 'Apache Log4j2 Remote Code Injection', 'CVE-2021-44228'],
  ['wordpress-xmlrpc-listmethods', 'low', 'WordPress xmlrpc listMethods', ''],
  ['git-config', 'medium', 'Git Configuration - Detect', ''],
  ['CVE-2017-5638', 'critical', 'Apache Struts2 S2-045 Remote Code Execution', 'CVE-2017-5638'],
  ['tech-detect', 'info', 'Wappalyzer Technology Detection', ''],
  ['exposed-panels', 'medium', 'Exposed admin panel', ''],
  ['CVE-2019-11510', 'high', 'Pulse Connect Secure SSL VPN Arbitrary File Read', 'CVE-2019-11510'],
] as const;

/** Nuclei `-jsonl` output: one result per line, with the request and response it matched on. */
async function generateJsonl(file: string, bytes: number): Promise<void> {
  await writeFile(file, bytes, async (write) => {
    const rnd = random(2);
    for (let i = 0; ; i++) {
      const [id, severity, name, cve] = NUCLEI[Math.floor(rnd() * NUCLEI.length)] as (typeof NUCLEI)[number];
      const host = `https://cong-${i % 5000}.example.gov.vn`;
      const path = `/${sentence(rnd, 2).replaceAll(' ', '/').replace('.', '')}`;
      const result = {
        'template-id': id,
        'template-path': `http/${id}.yaml`,
        info: {
          name,
          author: ['pdteam'],
          tags: ['cve', 'rce'],
          description: sentence(rnd, 30),
          reference: [`https://nvd.nist.gov/vuln/detail/${cve || id}`],
          severity,
          classification: cve ? { 'cve-id': [cve.toLowerCase()], 'cwe-id': ['cwe-502'], 'cvss-score': 9.8 } : undefined,
          remediation: sentence(rnd, 12),
        },
        type: 'http',
        host,
        'matched-at': `${host}${path}`,
        request: `GET ${path} HTTP/1.1\r\nHost: ${host.slice(8)}\r\nUser-Agent: Nuclei\r\n\r\n`,
        response: `HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n${sentence(rnd, 60 + Math.floor(rnd() * 200))}`,
        ip: `203.0.113.${i % 250}`,
        timestamp: '2024-06-01T08:00:00.000000+07:00',
        'curl-command': `curl -X 'GET' '${host}${path}'`,
        'matcher-status': true,
      };
      if (!(await write(`${JSON.stringify(result)}\n`))) return;
    }
  });
}

const PACKAGES = ['libc6', 'curl', 'openssl', 'bash', 'sudo', 'linux-image-generic', 'openssh-server', 'libxml2'];

/** A Wazuh 4.7 API answer over many agents (pretty-printed as the API writes it), each item naming its agent. */
async function generateWazuh(file: string, bytes: number): Promise<void> {
  await writeFile(file, bytes, async (write) => {
    const rnd = random(47);
    await write('{\n  "data": {\n    "affected_items": [\n');
    let first = true;
    let total = 0;
    for (let agent = 0; ; agent++) {
      for (let i = 10 + Math.floor(rnd() * 60); i > 0; i--) {
        const cve = `CVE-20${10 + Math.floor(rnd() * 15)}-${1000 + Math.floor(rnd() * 40000)}`;
        const name = PACKAGES[Math.floor(rnd() * PACKAGES.length)] as string;
        const score = Number((rnd() * 10).toFixed(1));
        const item = {
          architecture: 'amd64',
          condition: rnd() < 0.2 ? 'Package unfixed' : `Package less than 2.${Math.floor(rnd() * 40)}`,
          cve,
          cvss2_score: 0,
          cvss3_score: score,
          detection_time: '2024-06-01T08:00:00Z',
          external_references: [`https://nvd.nist.gov/vuln/detail/${cve}`, `https://ubuntu.com/security/${cve}`],
          name,
          published: '2024-01-10',
          severity: score >= 9 ? 'Critical' : score >= 7 ? 'High' : score >= 4 ? 'Medium' : 'Low',
          status: 'VALID',
          title: `${cve} affects ${name}: ${sentence(rnd, 20)}`,
          type: 'PACKAGE',
          updated: '2024-02-01',
          version: `1.${Math.floor(rnd() * 9)}.${Math.floor(rnd() * 20)}`,
          agent_ip: `10.${(agent >> 16) & 255}.${(agent >> 8) & 255}.${agent & 255}`,
          agent_name: `may-chu-${agent}`,
        };
        const more = await write(`${first ? '' : ',\n'}${JSON.stringify(item, null, 2).replace(/^/gm, '      ')}`);
        first = false;
        total++;
        if (!more) {
          await write(
            `\n    ],\n    "total_affected_items": ${total},\n    "total_failed_items": 0,\n    "failed_items": []\n  },\n  "message": "All selected vulnerabilities were returned",\n  "error": 0\n}\n`,
          );
          return;
        }
      }
    }
  });
}

/** Writes a generated file through `body`, whose `write` says false once `bytes` are written. */
async function writeFile(
  file: string,
  bytes: number,
  body: (write: (text: string) => Promise<boolean>) => Promise<void>,
): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let written = 0;
  await body(async (text) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
    return written < bytes;
  });
  out.end();
  await once(out, 'finish');
}

/** A reference command run as a whole process on the same file: wall seconds and MB/s, or why it could not run. */
function timed(label: string, command: string, args: string[], file: string): string {
  const start = performance.now();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.error) return `${label.padEnd(18)}${command} missing`;
  const seconds = (performance.now() - start) / 1000;
  const failed = run.status ? ` exit ${run.status}: ${run.stderr.trim().split('\n')[0]}` : '';
  return `${label.padEnd(18)}${seconds.toFixed(2)} s (${(statSync(file).size / MB / seconds).toFixed(0)} MB/s)${failed}`;
}

/** DuckDB reading the file in a child process (start included), through its node binding (a dev dependency). */
function duckdb(label: string, query: string, file: string): string {
  const script = `const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const c = await db.connect();
    const r = await c.runAndReadAll(${JSON.stringify(query)});
    console.log(String(r.getRows()[0][0]));`;
  return timed(label, process.execPath, ['--input-type=module', '-e', script], file);
}

interface Case {
  name: string;
  /** MB/s the parse must reach, where the project set one. */
  target?: number;
  file: string;
  generate: (file: string, bytes: number) => Promise<void>;
  bytes: number;
  references: (file: string) => string[];
}

function measure(c: Case): void {
  const size = statSync(c.file).size;
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', c.file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  const mbps = size / MB / result.seconds;
  const perCpu = size / MB / result.cpuSeconds;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log(`\n== ${c.name}`);
  console.log(`file            ${c.file} (${(size / MB).toFixed(0)} MB, read as ${result.format})`);
  console.log(
    `subjects/found  ${result.subjects} records / ${result.findings} findings${result.fatal ? ` FATAL ${result.fatal}` : ''}`,
  );
  const goal = c.target ? ` (target ≥ ${c.target}: ${met(mbps >= c.target)})` : '';
  console.log(`parse           ${result.seconds.toFixed(2)} s, ${mbps.toFixed(1)} MB/s${goal}`);
  // On a shared machine wall time includes waiting for a core; CPU time is what the parser itself costs.
  console.log(
    `per CPU second  ${perCpu.toFixed(1)} MB/s (${result.cpuSeconds.toFixed(2)} s CPU; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log(`findings/s      ${Math.round(result.findings / result.seconds)}`);
  console.log(`peak RSS        ${result.maxRssMb.toFixed(0)} MB (target < 300: ${met(result.maxRssMb < 300)})`);
  for (const line of c.references(c.file)) console.log(line);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child' && args[1]) return child(args[1]);
  const option = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const sizeMb = option('--size-mb', 200);
  const textMb = option('--text-mb', 100);
  const cases: Case[] = [
    {
      name: 'Nessus v2 XML',
      target: 50,
      file: join(here, 'out', `nessus-${sizeMb}mb.nessus`),
      generate,
      bytes: sizeMb * MB,
      references: (file) => [timed('xmllint stream', 'xmllint', ['--stream', '--noout', file], file)],
    },
    {
      name: 'Nessus CSV (csv-parse)',
      file: join(here, 'out', `nessus-${textMb}mb.csv`),
      generate: generateCsv,
      bytes: textMb * MB,
      references: (file) => [
        duckdb('DuckDB read_csv', `select count(*) from read_csv('${file}', header = true)`, file),
      ],
    },
    {
      name: 'Wazuh JSON document (@streamparser/json)',
      file: join(here, 'out', `wazuh-${textMb}mb.json`),
      generate: generateWazuh,
      bytes: textMb * MB,
      references: (file) => [
        timed('jq', 'jq', ['.data.affected_items | length', file], file),
        duckdb(
          'DuckDB read_json',
          `select len(data.affected_items) from read_json('${file}', maximum_object_size = 1073741824)`,
          file,
        ),
      ],
    },
    {
      name: 'Nuclei JSON Lines',
      file: join(here, 'out', `nuclei-${textMb}mb.jsonl`),
      generate: generateJsonl,
      bytes: textMb * MB,
      references: (file) => [
        timed('jq', 'jq', ['-c', '.info.severity', file], file),
        duckdb(
          'DuckDB read_json',
          `select count(*) from read_json('${file}', format = 'newline_delimited', maximum_object_size = 67108864)`,
          file,
        ),
      ],
    },
  ];
  for (const c of cases) {
    if (!existsSync(c.file) || statSync(c.file).size < c.bytes) {
      console.log(`generating ${c.file} …`);
      await c.generate(c.file, c.bytes);
    }
    measure(c);
  }
}

// Also a library: bench/scan-import.ts generates its report with `generate`.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
