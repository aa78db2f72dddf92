// Hostile report files for the scanner formats: each is streamed to the parser (the test holds 1 MiB of it at a time)
// and must end in a clear fatal error or an issue with its position, within a loose bound of time and memory. Found
// here: 30 MB of `[` in a JSON report crashed the process (out of memory) and 3 MB took 1.1 GB and 2.5 s; a 32 MB
// number took 890 MB; a 40 MB JSON line took 6.7 s (the line was searched from its start at every chunk); a CSV cell
// was unbounded (50 MB kept, 350 MB of memory); 10 M nested XML elements took 330 MB and named all of them in the
// error; Qualys hosts without detections and Nexpose nodes without tests (or with endless names, or one node's tests)
// were held past held.ts's bound: a 200 MB Qualys file took 3.6 GB. Through the route, such a file imports nothing.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { seededRandom } from '../../src/core/random.ts';
import {
  type FatalError,
  type ParseIssue,
  parseScan,
  type ScanFormat,
} from '../../src/modules/vulnerabilities/parsers/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { fixture } from '../support/scan-fixtures.ts';

const MiB = 1 << 20;
/** Loose bounds for one hostile file: the parse (generation included) and the growth of the process's memory. */
const MAX_MS = 5_000;
const MAX_RSS_GROWTH = 300 * MiB;

/** Text, `bytes` of `unit` repeated (sent 1 MiB at a time), or pieces made as they are sent. */
type Part = string | { unit: string; bytes: number } | Iterable<string>;

async function* stream(parts: Part[], sample: () => void): AsyncGenerator<Buffer> {
  for (const part of parts) {
    if (typeof part === 'string') {
      yield Buffer.from(part);
      continue;
    }
    if (Symbol.iterator in part) {
      for (const piece of part) {
        sample();
        yield Buffer.from(piece);
      }
      continue;
    }
    const block = Buffer.from(part.unit.repeat(Math.max(1, Math.floor(MiB / part.unit.length))));
    for (let sent = 0; sent < part.bytes; sent += block.length) {
      sample();
      yield block;
    }
  }
}

type Outcome = {
  format: ScanFormat | null;
  fatal: FatalError | null;
  issues: ParseIssue[];
  records: number;
  ms: number;
  rssGrowth: number;
};

async function parse(parts: Part[] | Buffer): Promise<Outcome> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const started = performance.now();
  const out: Outcome = { format: null, fatal: null, issues: [], records: 0, ms: 0, rssGrowth: 0 };
  for await (const ev of parseScan(Buffer.isBuffer(parts) ? parts : stream(parts, sample))) {
    sample();
    if (ev.type === 'host' || ev.type === 'website') out.records++;
    else if (ev.type === 'issue') out.issues.push(ev.issue);
    else if (ev.type === 'end') {
      out.format = ev.format;
      out.fatal = ev.fatal;
    }
  }
  out.ms = performance.now() - started;
  out.rssGrowth = peak - before;
  return out;
}

/** A clear fatal error of `kind` with its line, in bounded time and memory, and a message of bounded length. */
function refused(o: Outcome, format: ScanFormat, kind: FatalError['kind'], message: RegExp) {
  expect(o.format).toBe(format);
  expect(o.fatal?.kind, o.fatal?.message).toBe(kind);
  expect(o.fatal?.message).toMatch(message);
  expect(o.fatal?.line).toBeGreaterThanOrEqual(1);
  expect(o.fatal?.message.length).toBeLessThan(2_000);
  expect(o.ms, `${format}: ${Math.round(o.ms)} ms`).toBeLessThan(MAX_MS);
  expect(o.rssGrowth, `${format}: +${Math.round(o.rssGrowth / MiB)} MiB`).toBeLessThan(MAX_RSS_GROWTH);
}

/** The start of a report of each JSON format, open inside its first record's `field` value. */
const JSON_START: Record<string, { format: ScanFormat; start: string; end: string }> = {
  zapJson: {
    format: 'zap-json',
    start:
      '{"@programName":"ZAP","@version":"2.15.0","@generated":"Tue, 12 May 2020 20:57:30","site":[{"@name":"https://a.example","@host":"a.example","@port":"443","@ssl":"true","alerts":[{"pluginid":"10020","name":',
    end: '}]}]}',
  },
  nucleiArray: {
    format: 'nuclei',
    start:
      '[{"template-id":"x","info":{"name":"a","severity":"high"},"host":"a.example","matched-at":"https://a.example/","extra":',
    end: '}]',
  },
  wazuh: {
    format: 'wazuh',
    start: '{"data":{"affected_items":[{"cve":"CVE-2024-1","condition":"Package unfixed","name":',
    end: '}]}}',
  },
  acunetix360: {
    format: 'acunetix360',
    start: '{"Target":{"ScanId":"x","Url":"https://a.example/"},"Vulnerabilities":[{"Type":',
    end: '}]}',
  },
  niktoJson: {
    format: 'nikto-json',
    start:
      '{"host":"a.example","ip":"192.0.2.1","port":"443","banner":"x","vulnerabilities":[{"id":"1","url":"/","msg":',
    end: '}]}',
  },
};

/** The start of a report of each XML format, open where an element may begin. */
const XML_START: Record<string, { format: ScanFormat; start: string }> = {
  burp: { format: 'burp', start: '<?xml version="1.0"?>\n<issues burpVersion="2023.1">\n<issue>' },
  zap: { format: 'zap', start: '<?xml version="1.0"?>\n<OWASPZAPReport version="2.9.0" generated="x">\n' },
  acunetix: { format: 'acunetix', start: '<?xml version="1.0"?>\n<ScanGroup ExportedOn="x">\n<Scan>' },
  nikto: { format: 'nikto', start: '<?xml version="1.0"?>\n<niktoscan>\n' },
  nexpose: { format: 'nexpose', start: '<?xml version="1.0"?>\n<NexposeReport version="1.0">\n<nodes>' },
  qualys: { format: 'qualys', start: '<?xml version="1.0"?>\n<ASSET_DATA_REPORT>\n<HOST_LIST>' },
  openscap: {
    format: 'openscap',
    start: '<?xml version="1.0"?>\n<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.1" id="x">\n',
  },
};

const TENABLE_HEADER =
  '"Plugin","Plugin Name","Family","Severity","IP Address","Protocol","Port","Exploit?","Repository","MAC Address","DNS Name","NetBIOS Name","Plugin Output","Synopsis","Description","Solution","See Also","Risk Factor","CVSS V2 Base Score","CVSS V3 Base Score","CVE"';
const QUALYS_HEADER =
  '"IP","Network","DNS","NetBIOS","Tracking Method","OS","IP Status","QID","Title","Vuln Status","Type","Severity","Port","Protocol","FQDN","SSL","First Detected","Last Detected","CVE ID","CVSS3 Base","Threat","Impact","Solution","Results"';

/** A real report of each of the new formats (DefectDojo's test data, or tests/fixtures/scans-web). */
const FIXTURES: [ScanFormat, string][] = [
  ['tenable-sc-csv', fixture('tenable-sc/issue_9612.csv')],
  ['qualys', fixture('qualys/Qualys_Sample_Report.xml')],
  ['qualys-csv', fixture('qualys/Qualys_Sample_Report.csv')],
  ['nexpose', fixture('nexpose/many_vulns.xml')],
  ['wazuh', fixture('wazuh/v4-7_many_findings.json')],
  ['openscap', fixture('openscap/many_vuln_rhsa.xml')],
  ['zap', fixture('zap/0_zap_sample.xml')],
  ['zap-json', new URL('../fixtures/scans-web/zap-traditional.json', import.meta.url).pathname],
  ['acunetix', fixture('acunetix/XML_http_example_co_id_.xml')],
  ['acunetix360', fixture('acunetix/acunetix360_many_findings.json')],
  ['nuclei', fixture('nuclei/many_findings.json')],
  ['nuclei', new URL('../fixtures/scans-web/nuclei-export.json', import.meta.url).pathname],
  ['nikto', fixture('nikto/nikto-report-many-vuln.xml')],
  ['nikto-json', fixture('nikto/juice-shop.json')],
  ['nikto-json', new URL('../fixtures/scans-web/nikto-array.json', import.meta.url).pathname],
  ['burp', fixture('burp/seven_findings.xml')],
];

describe('hostile JSON reports', () => {
  it.each(Object.entries(JSON_START))(
    '%s: deeply nested arrays are refused at once, whatever their depth',
    async (_, j) => {
      for (const [open, bytes] of [
        ['[', 30 * MiB],
        ['{"a":', 30 * MiB],
        ['[', 3 * MiB],
      ] as const)
        refused(await parse([j.start, { unit: open, bytes }]), j.format, 'too-large', /nested deeper than \d+/);
    },
  );

  it.each(Object.entries(JSON_START))('%s: a 100 MB string is refused at the record bound', async (_, j) => {
    refused(
      await parse([j.start, '"', { unit: 'A', bytes: 100 * MiB }, `"${j.end}`]),
      j.format,
      'too-large',
      /more than 32 MB/,
    );
  });

  it('a 40 MB number is refused at the record bound in bounded memory', async () => {
    const j = JSON_START.wazuh as (typeof JSON_START)[string];
    refused(await parse([j.start, '1', { unit: '0', bytes: 40 * MiB }, j.end]), j.format, 'too-large', /32 MB/);
  });

  it('JSON Lines: a 40 MB line is refused with its line number, in linear time', async () => {
    const good =
      '{"template-id":"x","info":{"name":"a","severity":"high"},"host":"a.example","matched-at":"https://a.example/"}\n';
    const o = await parse([good, good, '{"template-id":"y","info":{"name":"', { unit: 'B', bytes: 40 * MiB }, '"}}\n']);
    refused(o, 'nuclei', 'too-large', /line 3 is longer than 32 MB/);
    expect(o.fatal?.line).toBe(3);
  });

  it('JSON Lines: deep nesting inside one line is refused or skipped, never a crash', async () => {
    const line = `{"template-id":"x","info":{"name":"a"},"host":"a.example","matched-at":"https://a.example/","x":${'['.repeat(
      1_000_000,
    )}${']'.repeat(1_000_000)}}\n`;
    const o = await parse(Buffer.from(`${line}${line}`));
    expect(o.format).toBe('nuclei');
    expect(o.ms).toBeLessThan(MAX_MS);
  });
});

describe('hostile CSV reports', () => {
  it.each([
    ['tenable-sc-csv', TENABLE_HEADER, '"10019","Check","F","High","10.0.0.1","TCP","80","No","R","","","","'],
    [
      'qualys-csv',
      QUALYS_HEADER,
      '"10.0.0.1","Global","","","IP","Linux","ok","105971","Title","Active","Vuln","5","80","tcp","","","","","","","',
    ],
  ] as const)('%s: a 50 MB quoted cell is refused with its line', async (format, header, start) => {
    const good = start.replace(/"[^"]*$/, '"out"\n').replace('"10.0.0.1"', '"10.0.0.2"');
    const o = await parse([`${header}\n${good}`, start, { unit: 'C', bytes: 50 * MiB }, '"\n']);
    refused(o, format, 'too-large', /record .*longer than|too large|exceed/i);
    expect(o.fatal?.line).toBeGreaterThanOrEqual(2);
  });
});

describe('hostile CSV reports, wide', () => {
  it.each([
    [900_000, /header at line 1 is longer than 64 K characters/],
    [5_000, /header at line 1 has 5013 columns, more than 1000/],
  ])('a header of %i columns is refused at once (each row would be an object of as many keys)', async (n, message) => {
    const extra = Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const values = Array.from({ length: n }, () => 'v').join(',');
    const row = (i: number) =>
      `"10019","Check","F","High","10.0.0.${i}","TCP","80","No","R","","","","out",${values}\n`;
    const header = `${TENABLE_HEADER.split(',"Synopsis"')[0]},${extra}\n`;
    const o = await parse([header, ...Array.from({ length: 20 }, (_, i) => row(i))]);
    refused(o, 'tenable-sc-csv', 'too-large', message);
    expect(o.fatal?.line).toBe(1);
  });
});

describe('hostile XML reports', () => {
  it.each(Object.entries(XML_START))('%s: a giant attribute is refused at the markup bound', async (_, x) => {
    refused(
      await parse([x.start, '<x a="', { unit: 'D', bytes: 50 * MiB }, '"/>']),
      x.format,
      'not-well-formed',
      /markup longer than 8 MB/,
    );
  });

  it.each(Object.entries(XML_START))(
    '%s: 10 M nested elements are refused at once, the message short',
    async (_, x) => {
      refused(
        await parse([x.start, { unit: '<a>', bytes: 30 * MiB }]),
        x.format,
        'too-large',
        /nested deeper than \d+/,
      );
    },
  );

  it('Qualys: a 7 MB element name above the hosts is not copied into each position (issues stay short)', async () => {
    const x = XML_START.qualys as (typeof XML_START)[string];
    const name = `N${'n'.repeat(7 * MiB)}`;
    const o = await parse([
      x.start.replace('<HOST_LIST>', `<${name}><HOST_LIST>`),
      { unit: '<HOST><IP>999.0.0.1</IP></HOST>\n', bytes: 2 * MiB },
      `</HOST_LIST></${name}></ASSET_DATA_REPORT>`,
    ]);
    expect(o.fatal).toBeNull();
    expect(o.issues.length).toBeGreaterThan(50_000);
    expect(o.issues.every((i) => i.code === 'invalid-ip' && i.path.length < 1_000)).toBe(true);
    expect(o.ms).toBeLessThan(MAX_MS);
  });

  it('Burp: entities of the DOCTYPE (billion laughs) are never expanded: undefined entity, with its line', async () => {
    let entities = '<!ENTITY lol "lol">';
    for (let i = 1; i < 10; i++) entities += `\n<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
    const head = readFileSync(fixture('burp/seven_findings.xml'), 'utf8');
    const doctype = /<!DOCTYPE issues \[([\s\S]*?)\]>/.exec(head)?.[1] ?? '';
    const body = head.replace(doctype, `${doctype}${entities}\n`).replace(/<name>[^<]*<\/name>/, '<name>&lol9;</name>');
    expect(body).toContain('&lol9;');
    const o = await parse(Buffer.from(body));
    refused(o, 'burp', 'not-well-formed', /undefined entity: &lol9;/);
    expect(o.records).toBe(0);
  });

  it('Qualys: hosts without detections held before the glossary are bounded (held.ts)', async () => {
    const x = XML_START.qualys as (typeof XML_START)[string];
    for (const host of [
      '<HOST><IP>10.0.0.1</IP></HOST>',
      `<HOST><IP>10.0.0.1</IP><DNS>${'d'.repeat(900)}</DNS></HOST>`,
    ])
      refused(
        await parse([x.start, { unit: host, bytes: 60 * MiB }, '</HOST_LIST></ASSET_DATA_REPORT>']),
        'qualys',
        'too-large',
        /before its glossary/,
      );
  });

  it('Nexpose: nodes without tests, a node’s names and a node’s tests are bounded (held.ts)', async () => {
    const x = XML_START.nexpose as (typeof XML_START)[string];
    const end = '</nodes></NexposeReport>';
    const names = (n: number) => `<names>${`<name>${'n'.repeat(n)}</name>`}</names>`;
    // One node with distinct tests (a repeated unit would repeat one test), made 1 000 at a time.
    function* tests() {
      for (let i = 0; i < 600_000; i += 1_000)
        yield Array.from({ length: 1_000 }, (_, j) => `<test id="t-${i + j}" status="vulnerable-exploited"/>`).join('');
    }
    for (const parts of [
      [x.start, { unit: '<node address="10.0.0.1"></node>', bytes: 60 * MiB }, end],
      [x.start, { unit: `<node address="10.0.0.1">${names(900)}</node>`, bytes: 80 * MiB }, end],
      [x.start, '<node address="10.0.0.1"><names>', { unit: `<name>${'n'.repeat(90)}</name>`, bytes: 80 * MiB }, end],
      [x.start, '<node address="10.0.0.1"><tests>', tests(), '</tests></node>', end],
    ] as Part[][])
      refused(await parse(parts), 'nexpose', 'too-large', /before its VulnerabilityDefinitions/);
  });
});

describe('NUL bytes and invalid UTF-8 in the real reports of each new format', () => {
  it.each(FIXTURES)('%s (%s): a fatal error or an issue with its position, never a crash', async (format, path) => {
    const original = readFileSync(path);
    for (const bytes of [[0], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]])
      for (const at of [0.3, 0.6, 0.9].map((f) => Math.floor(original.length * f))) {
        const o = await parse(Buffer.concat([original.subarray(0, at), Buffer.from(bytes), original.subarray(at)]));
        const where = `${format} ${path} bytes ${bytes} at ${at}`;
        expect(o.format, where).toBe(format);
        if (o.fatal) expect(o.fatal.line, `${where}: ${o.fatal.message}`).toBeGreaterThanOrEqual(1);
        if (bytes[0] === 0 && !o.fatal)
          expect(
            o.issues.some((i) => i.line >= 1),
            `${where}: a NUL neither refused nor reported`,
          ).toBe(true);
        for (const issue of o.issues) expect(issue.line, `${where}: ${issue.message}`).toBeGreaterThanOrEqual(1);
      }
  });
});

describe.each(TEST_DATABASES)('a hostile report through the route imports nothing on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let soc: Client;
  const stored = async () =>
    (
      await queryRows<{ n: number }>(
        database.db,
        sql`select (select count(*) from computers)::int + (select count(*) from websites)::int
          + (select count(*) from vuln_findings)::int + (select count(*) from scan_imports)::int as n`,
      )
    )[0]?.n;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    soc = await t.userWithRole('hostile-files-soc', 'soc');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('good records before a 40 MB JSON line, or a Qualys file past the hold bound: 400, nothing stored', async () => {
    const good = (i: number) =>
      `{"template-id":"t${i}","info":{"name":"T","severity":"high"},"host":"a.example","matched-at":"https://a${i}.example/"}\n`;
    const bodies = [
      Buffer.concat([
        Buffer.from(Array.from({ length: 50 }, (_, i) => good(i)).join('')),
        Buffer.from('{"template-id":"y","info":{"name":"'),
        Buffer.alloc(40 * MiB, 'B'),
        Buffer.from('"}}\n'),
      ]),
      Buffer.concat([
        Buffer.from(`${XML_START.qualys?.start}`),
        Buffer.from(
          '<HOST><IP>10.0.0.9</IP><VULN_INFO_LIST><VULN_INFO><QID>1</QID><TYPE>Vuln</TYPE></VULN_INFO></VULN_INFO_LIST></HOST>',
        ),
        Buffer.alloc(20 * MiB, '<HOST><IP>10.0.0.1</IP></HOST>'),
        Buffer.from('</HOST_LIST></ASSET_DATA_REPORT>'),
      ]),
    ];
    for (const [i, body] of bodies.entries()) {
      const res = await soc.request('POST', `/api/vulnerabilities/scans?fileName=hostile-${i}`, body);
      expect(res.statusCode, res.body.slice(0, 500)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION', key: 'vuln.scanFatal.too-large' });
      expect(res.body.length).toBeLessThan(100_000);
      expect(await stored()).toBe(0);
    }
  });

  it('cuts identities longer than a unique index holds (2 704 bytes): stored, never a 500, the same twice', async () => {
    const rng = seededRandom(2704);
    // Characters that compress badly, as an attacker would pick them.
    const random = (n: number, alphabet: string) =>
      Array.from({ length: n }, () => [...alphabet][Math.floor(rng() * [...alphabet].length)]).join('');
    const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$()*+,;:@';
    const WIDE = 'ăâđêôơưấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữự😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰';
    const plugin = random(3_000, ASCII);
    const nessus = (items: string[]) => `<?xml version="1.0" ?>
<NessusClientData_v2><Report name="r"><ReportHost name="10.1.0.5"><HostProperties><tag name="host-ip">10.1.0.5</tag>
<tag name="netbios-name">${random(990, 'ệ')}</tag></HostProperties>${items.join('\n')}</ReportHost></Report></NessusClientData_v2>`;
    const item = (id: string, protocol = 'tcp', svc = 'www') =>
      `<ReportItem port="443" svc_name="${svc}" protocol="${protocol}" severity="3" pluginID="${id}" pluginName="X" pluginFamily="G"><risk_factor>High</risk_factor></ReportItem>`;
    const path = random(2_500, ASCII);
    const param = random(200, WIDE);
    const zap = (site: string, id: string, suffix = '') =>
      `<?xml version="1.0"?><OWASPZAPReport version="2.9.0" generated="Sun, 10 Mar 2024 09:00:00"><site name="${site}"><alerts><alertitem><pluginid>${id}</pluginid><name>X</name><riskcode>3</riskcode><desc>d</desc><instances><instance><uri>${site}/${path}${suffix}</uri><method>GET</method><param>${param}</param></instance><instance><uri>${site}/${path}${suffix}x</uri><method>GET</method><param>${param}</param></instance></instances></alertitem></alerts></site></OWASPZAPReport>`;
    const reports = [
      // Two checks that differ only past the cut: one finding.
      nessus([
        item(plugin),
        item(`${plugin}-other`),
        item('2', random(3_000, ASCII)),
        item('3', 'tcp', random(3_000, ASCII)),
      ]),
      nessus([item(plugin), item('4')]),
      `<?xml version="1.0"?><nmaprun start="1710036000"><host><status state="up"/><address addr="10.1.0.9" addrtype="ipv4"/><ports><port protocol="tcp" portid="80"><state state="open"/><service name="http" product="${random(3_000, ASCII)}" version="${random(3_000, WIDE)}"/></port></ports></host></nmaprun>`,
      zap('https://a.example', random(1_000, ASCII)),
      zap('https://a.example', random(1_000, WIDE), '?again'),
      zap(`https://${random(3_000, 'abcdefghijklmnopqrstuvwxyz0123456789')}.vn`, '1'),
    ];
    for (const [i, body] of reports.entries()) {
      const res = await soc.request('POST', `/api/vulnerabilities/scans?fileName=long-${i}`, Buffer.from(body));
      expect(res.statusCode, `${i}: ${res.body.slice(0, 300)}`).toBeLessThan(300);
    }
    const [longest] = await queryRows<Record<string, number>>(
      database.db,
      sql`select (select max(octet_length(scanner_id)) from vuln_findings)::int as "scannerId",
        (select max(octet_length(protocol)) from vuln_findings)::int as protocol,
        (select max(octet_length(location)) from vuln_findings)::int as location,
        (select max(octet_length(key)) from computer_software)::int as software,
        (select max(octet_length(host_key)) from computers)::int as computer,
        (select count(*) from websites)::int as websites,
        (select count(*) from vuln_findings where scanner = 'nessus' and port = 443)::int as nessus`,
    );
    expect(longest).toMatchObject({ scannerId: 512, protocol: 32, websites: 1, nessus: 4 });
    expect(longest?.location).toBeLessThanOrEqual(1_600);
    expect(longest?.software).toBeLessThan(1_000);
    expect(longest?.computer).toBeLessThan(300);
  });
});
