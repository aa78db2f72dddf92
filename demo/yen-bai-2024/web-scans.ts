import { esc } from './scans.ts';

/**
 * Demo web-scanner reports for the Yên Bái data set: OWASP ZAP XML (March and June 2024, March 2026) and Nuclei JSON
 * Lines (March 2024, March 2026) of most of the province's registered agency sites, two information systems' host
 * names and one host nobody registered. Between the scans some findings are fixed (a later scan of the site no longer
 * reports them) and one fixed in June 2024 is back in 2026. Alert and template ids, names and CWEs are the tools'
 * real ones; the sites' results are invented. The layouts follow ZAP's traditional XML report and Nuclei's `-jsonl`.
 */

/** The scans, by key: when each ran (province time). */
export const WEB_SCANS = {
  zap2403: { tool: 'zap', at: '2024-03-12T10:20:00+07:00' },
  nuclei2403: { tool: 'nuclei', at: '2024-03-13T09:05:00+07:00' },
  zap2406: { tool: 'zap', at: '2024-06-18T15:40:00+07:00' },
  zap2603: { tool: 'zap', at: '2026-03-24T10:05:00+07:00' },
  nuclei2603: { tool: 'nuclei', at: '2026-03-25T08:30:00+07:00' },
} as const;
export type WebScan = keyof typeof WEB_SCANS;

/** A place an alert was seen at on a site. */
type Place = { path: string; method?: 'GET' | 'POST'; param?: string; attack?: string; evidence?: string };

/** A ZAP alert (one `alertitem`): plugin id, name, riskcode (0 informational … 3 high), CWE, WASC, texts. */
type ZapAlert = {
  plugin: string;
  name: string;
  risk: 0 | 1 | 2 | 3;
  cwe: number;
  wasc: number;
  desc: string;
  solution: string;
  reference: string;
  otherinfo?: string;
};

const CSP: ZapAlert = {
  plugin: '10038',
  name: 'Content Security Policy (CSP) Header Not Set',
  risk: 2,
  cwe: 693,
  wasc: 15,
  desc: 'Content Security Policy (CSP) is an added layer of security that helps to detect and mitigate certain types of attacks, including Cross Site Scripting (XSS) and data injection attacks.',
  solution:
    'Ensure that your web server, application server, load balancer, etc. is configured to set the Content-Security-Policy header.',
  reference: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP',
};
const CLICKJACKING: ZapAlert = {
  plugin: '10020',
  name: 'Missing Anti-clickjacking Header',
  risk: 2,
  cwe: 1021,
  wasc: 15,
  desc: "The response does not include either Content-Security-Policy with 'frame-ancestors' directive or X-Frame-Options to protect against 'ClickJacking' attacks.",
  solution:
    "Modern Web browsers support the Content-Security-Policy and X-Frame-Options HTTP headers. Ensure one of them is set on all web pages returned by your site/app. If you expect the page to be framed only by pages on your server (e.g. it's part of a FRAMESET) then you'll want to use SAMEORIGIN, otherwise if you never expect the page to be framed, you should use DENY.",
  reference: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options',
};
const NO_SNIFF: ZapAlert = {
  plugin: '10021',
  name: 'X-Content-Type-Options Header Missing',
  risk: 1,
  cwe: 693,
  wasc: 15,
  desc: "The Anti-MIME-Sniffing header X-Content-Type-Options was not set to 'nosniff'. This allows older versions of Internet Explorer and Chrome to perform MIME-sniffing on the response body.",
  solution:
    "Ensure that the application/web server sets the Content-Type header appropriately, and that it sets the X-Content-Type-Options header to 'nosniff' for all web pages.",
  reference: 'https://owasp.org/www-community/Security_Headers',
};
const HSTS: ZapAlert = {
  plugin: '10035',
  name: 'Strict-Transport-Security Header Not Set',
  risk: 1,
  cwe: 319,
  wasc: 15,
  desc: 'HTTP Strict Transport Security (HSTS) is a web security policy mechanism whereby a web server declares that complying user agents (such as a web browser) are to interact with it using only secure HTTPS connections (i.e. HTTP layered over TLS/SSL).',
  solution:
    'Ensure that your web server, application server, load balancer, etc. is configured to enforce Strict-Transport-Security.',
  reference: 'https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html',
};
const COOKIE_SECURE: ZapAlert = {
  plugin: '10011',
  name: 'Cookie Without Secure Flag',
  risk: 1,
  cwe: 614,
  wasc: 13,
  desc: 'A cookie has been set without the secure flag, which means that the cookie can be accessed via unencrypted connections.',
  solution:
    'Whenever a cookie contains sensitive information or is a session token, then it should always be passed using an encrypted channel. Ensure that the secure flag is set for cookies containing such sensitive information.',
  reference:
    'https://owasp.org/www-project-web-security-testing-guide/v41/4-Web_Application_Security_Testing/06-Session_Management_Testing/02-Testing_for_Cookies_Attributes.html',
};
const COOKIE_HTTPONLY: ZapAlert = {
  plugin: '10010',
  name: 'Cookie No HttpOnly Flag',
  risk: 1,
  cwe: 1004,
  wasc: 13,
  desc: 'A cookie has been set without the HttpOnly flag, which means that the cookie can be accessed by JavaScript. If a malicious script can be run on this page then the cookie will be accessible and can be transmitted to another site.',
  solution: 'Ensure that the HttpOnly flag is set for all cookies.',
  reference: 'https://owasp.org/www-community/HttpOnly',
};
const JQUERY = (version: string, cves: string[]): ZapAlert => ({
  plugin: '10003',
  name: 'Vulnerable JS Library',
  risk: 2,
  cwe: 829,
  wasc: 0,
  desc: `The identified library jquery, version ${version} is vulnerable.`,
  solution: 'Please upgrade to the latest version of jquery.',
  reference: 'https://blog.jquery.com/2020/04/10/jquery-3-5-0-released/',
  otherinfo: cves.join('\n'),
});
const JQUERY_1_12 = JQUERY('1.12.4', ['CVE-2020-11023', 'CVE-2020-11022', 'CVE-2015-9251', 'CVE-2019-11358']);
const JQUERY_1_8 = JQUERY('1.8.3', [
  'CVE-2020-11023',
  'CVE-2020-11022',
  'CVE-2015-9251',
  'CVE-2019-11358',
  'CVE-2012-6708',
]);
const DIRECTORY_BROWSING: ZapAlert = {
  plugin: '0',
  name: 'Directory Browsing',
  risk: 2,
  cwe: 548,
  wasc: 48,
  desc: 'It is possible to view the directory listing. Directory listing may reveal hidden scripts, include files, backup source files, etc. which can be accessed to read sensitive information.',
  solution: 'Disable directory browsing. If this is required, make sure the listed files does not induce risks.',
  reference: 'https://cwe.mitre.org/data/definitions/548.html',
};
const SQL_INJECTION: ZapAlert = {
  plugin: '40018',
  name: 'SQL Injection',
  risk: 3,
  cwe: 89,
  wasc: 19,
  desc: 'SQL injection may be possible.',
  solution:
    "Do not trust client side input, even if there is client side validation in place. If the application uses JDBC, use PreparedStatement or CallableStatement, with parameters passed by '?'.",
  reference: 'https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html',
  otherinfo:
    "The page results were successfully manipulated using the boolean conditions [HS-2024-0001' AND '1'='1' -- ] and [HS-2024-0001' AND '1'='2' -- ]",
};
const XSS: ZapAlert = {
  plugin: '40012',
  name: 'Cross Site Scripting (Reflected)',
  risk: 3,
  cwe: 79,
  wasc: 8,
  desc: "Cross-site Scripting (XSS) is an attack technique that involves echoing attacker-supplied code into a user's browser instance.",
  solution:
    'Validate all input and encode output according to the context it is written into (HTML, attribute, JavaScript).',
  reference: 'https://owasp.org/www-community/attacks/xss/',
};
const SERVER_VERSION: ZapAlert = {
  plugin: '10036',
  name: 'Server Leaks Version Information via "Server" HTTP Response Header Field',
  risk: 1,
  cwe: 497,
  wasc: 13,
  desc: 'The web/application server is leaking version information via the "Server" HTTP response header.',
  solution:
    "Ensure that your web server, application server, load balancer, etc. is configured to suppress the 'Server' header or provide generic details.",
  reference: 'https://httpd.apache.org/docs/current/mod/core.html#servertokens',
};
/** Informational: read by the importer, never stored as a vulnerability. */
const MODERN_APP: ZapAlert = {
  plugin: '10109',
  name: 'Modern Web Application',
  risk: 0,
  cwe: 0,
  wasc: 0,
  desc: 'The application appears to be a modern web application.',
  solution: 'This is an informational alert and so no changes are required.',
  reference: '',
};

/** A Nuclei template: id, name, severity and classification as the template declares them. */
type Template = {
  id: string;
  /** Its folder in nuclei-templates. */
  dir: string;
  name: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  tags: string;
  description?: string;
  remediation?: string;
  cwe?: string;
  cve?: string;
  cvss?: [score: number, vector: string];
};

const GIT_CONFIG: Template = {
  id: 'git-config',
  dir: 'http/exposures/configs',
  name: 'Git Configuration - Detect',
  severity: 'medium',
  tags: 'git,config,exposure',
  description: 'Git configuration was detected via the pattern /.git/config and log file on passed URLs.',
  remediation: 'Remove the .git folder from the web root or deny access to it in the web server configuration.',
  cwe: 'cwe-200',
  cvss: [5.3, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N'],
};
const SERVER_STATUS: Template = {
  id: 'apache-server-status',
  dir: 'http/misconfiguration',
  name: 'Apache Server Status - Detect',
  severity: 'low',
  tags: 'config,misconfig,apache,exposure',
  description:
    'The Apache /server-status page is publicly accessible and shows requests, client addresses and server load.',
  remediation: 'Restrict /server-status to the administrators’ addresses (Require ip) or disable mod_status.',
  cwe: 'cwe-200',
};
const TOMCAT_MANAGER: Template = {
  id: 'tomcat-default-login',
  dir: 'http/default-logins/apache',
  name: 'Apache Tomcat Manager - Default Login',
  severity: 'high',
  tags: 'tomcat,apache,default-login',
  description:
    'Apache Tomcat Manager default login credentials were discovered. This template checks for multiple variations.',
  remediation: 'Change the default credentials and restrict access to /manager to the administrators’ network.',
  cwe: 'cwe-522',
  cvss: [8.3, 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H'],
};
/** A matcher of Nuclei's technology detection (informational): every site Nuclei tested shows one. */
const TECH: Template = {
  id: 'tech-detect',
  dir: 'http/technologies',
  name: 'Wappalyzer Technology Detection',
  severity: 'info',
  tags: 'tech',
};

/** What a site shows: its ZAP alerts and Nuclei results, each with the scans that report it. */
type Story = {
  origin: string;
  /** The address Nuclei resolved the host to. */
  ip: string;
  /** Tested by ZAP on these scans (a site in a report without alerts is a site whose findings were fixed). */
  zapScans: WebScan[];
  /** Tested by Nuclei on these scans. */
  nucleiScans: WebScan[];
  zap: { alert: ZapAlert; at: Place[]; in: WebScan[] }[];
  nuclei: { template: Template; matcher?: string; path: string; in: WebScan[]; extracted?: string[] }[];
  /** What Nuclei's technology detection names on the site. */
  tech: string;
};

const ALL_ZAP: WebScan[] = ['zap2403', 'zap2406', 'zap2603'];
const H1_2024: WebScan[] = ['zap2403', 'zap2406'];
const BOTH_NUCLEI: WebScan[] = ['nuclei2403', 'nuclei2603'];
const ROOT: Place[] = [{ path: '/' }];

/**
 * The sites: six of the seven registered agency sites (sgddt.yenbai.gov.vn is not scanned), the webmail and the
 * document system of the province by their systems' host names, and the trade union's site nobody registered.
 */
const STORIES: Story[] = [
  {
    origin: 'https://yenbai.gov.vn',
    ip: '203.0.113.10',
    zapScans: ALL_ZAP,
    nucleiScans: BOTH_NUCLEI,
    tech: 'nginx',
    zap: [
      { alert: CSP, at: [{ path: '/' }, { path: '/tin-tuc' }], in: ALL_ZAP },
      { alert: CLICKJACKING, at: ROOT, in: H1_2024 },
      { alert: NO_SNIFF, at: [{ path: '/' }, { path: '/js/jquery.min.js' }], in: H1_2024 },
      { alert: HSTS, at: ROOT, in: H1_2024 },
      {
        alert: JQUERY_1_12,
        at: [{ path: '/js/jquery.min.js', evidence: '/*! jQuery v1.12.4' }],
        in: ['zap2403'],
      },
      { alert: MODERN_APP, at: ROOT, in: ALL_ZAP },
    ],
    nuclei: [{ template: SERVER_STATUS, path: '/server-status', in: ['nuclei2403'] }],
  },
  {
    origin: 'https://dichvucong.yenbai.gov.vn',
    ip: '203.0.113.20',
    zapScans: ALL_ZAP,
    nucleiScans: BOTH_NUCLEI,
    tech: 'Apache Tomcat',
    zap: [
      {
        alert: SQL_INJECTION,
        at: [{ path: '/tra-cuu-ho-so', method: 'POST', param: 'maHoSo', attack: "HS-2024-0001' AND '1'='1' -- " }],
        in: ['zap2403'],
      },
      {
        alert: COOKIE_HTTPONLY,
        at: [{ path: '/', param: 'JSESSIONID', evidence: 'Set-Cookie: JSESSIONID' }],
        in: H1_2024,
      },
      { alert: CSP, at: ROOT, in: ALL_ZAP },
    ],
    nuclei: [],
  },
  {
    origin: 'https://stttt.yenbai.gov.vn',
    ip: '203.0.113.31',
    zapScans: ALL_ZAP,
    nucleiScans: BOTH_NUCLEI,
    tech: 'Microsoft IIS',
    zap: [
      {
        alert: DIRECTORY_BROWSING,
        at: [{ path: '/uploads/', evidence: '<title>stttt.yenbai.gov.vn - /uploads/</title>' }],
        in: ['zap2403'],
      },
      {
        alert: JQUERY_1_8,
        at: [{ path: '/Scripts/jquery-1.8.3.min.js', evidence: '/*! jQuery v1.8.3' }],
        in: ALL_ZAP,
      },
      { alert: CSP, at: ROOT, in: ALL_ZAP },
      { alert: CLICKJACKING, at: ROOT, in: H1_2024 },
    ],
    nuclei: [{ template: GIT_CONFIG, path: '/.git/config', in: ['nuclei2403'], extracted: ['[core]'] }],
  },
  {
    origin: 'https://soyte.yenbai.gov.vn',
    ip: '203.0.113.32',
    zapScans: ALL_ZAP,
    nucleiScans: [],
    tech: '',
    zap: [
      {
        alert: XSS,
        at: [{ path: '/tim-kiem', param: 'q', attack: '<scrIpt>alert(1);</scRipt>' }],
        in: ['zap2403'],
      },
      // Fixed in June 2024; back in 2026 with the new theme of the site.
      { alert: CLICKJACKING, at: ROOT, in: ['zap2403', 'zap2603'] },
      { alert: CSP, at: ROOT, in: ALL_ZAP },
      { alert: SERVER_VERSION, at: ROOT, in: ['zap2403'] },
    ],
    nuclei: [],
  },
  {
    origin: 'https://dulichyenbai.vn',
    ip: '198.51.100.44',
    zapScans: ALL_ZAP,
    nucleiScans: [],
    tech: '',
    zap: [
      {
        alert: JQUERY_1_12,
        at: [{ path: '/wp-includes/js/jquery/jquery.js', evidence: '/*! jQuery v1.12.4' }],
        in: H1_2024,
      },
      { alert: HSTS, at: ROOT, in: H1_2024 },
      { alert: COOKIE_SECURE, at: [{ path: '/', param: 'PHPSESSID', evidence: 'Set-Cookie: PHPSESSID' }], in: H1_2024 },
      { alert: MODERN_APP, at: ROOT, in: ALL_ZAP },
    ],
    nuclei: [],
  },
  {
    origin: 'https://mucangchai.yenbai.gov.vn',
    ip: '203.0.113.37',
    zapScans: ALL_ZAP,
    nucleiScans: BOTH_NUCLEI,
    tech: 'Apache',
    zap: [
      {
        alert: DIRECTORY_BROWSING,
        at: [{ path: '/Upload/', evidence: '<title>Index of /Upload</title>' }],
        in: ALL_ZAP,
      },
      { alert: HSTS, at: ROOT, in: H1_2024 },
      { alert: CSP, at: ROOT, in: ALL_ZAP },
    ],
    nuclei: [{ template: GIT_CONFIG, path: '/.git/config', in: BOTH_NUCLEI, extracted: ['[core]'] }],
  },
  {
    origin: 'https://mail.yenbai.gov.vn',
    ip: '203.0.113.25',
    zapScans: ALL_ZAP,
    nucleiScans: BOTH_NUCLEI,
    tech: 'Roundcube',
    zap: [
      {
        alert: COOKIE_SECURE,
        at: [{ path: '/', param: 'roundcube_sessid', evidence: 'Set-Cookie: roundcube_sessid' }],
        in: ALL_ZAP,
      },
      { alert: CLICKJACKING, at: ROOT, in: H1_2024 },
    ],
    nuclei: [],
  },
  {
    origin: 'https://qlvb.yenbai.gov.vn',
    ip: '203.0.113.30',
    zapScans: [],
    nucleiScans: BOTH_NUCLEI,
    tech: 'Apache Tomcat',
    zap: [],
    nuclei: [{ template: TOMCAT_MANAGER, path: '/manager/html', in: ['nuclei2403'], matcher: 'tomcat:tomcat' }],
  },
  {
    origin: 'http://congdoan.yenbai.gov.vn',
    ip: '198.51.100.61',
    zapScans: ALL_ZAP,
    nucleiScans: [],
    tech: '',
    zap: [
      {
        alert: DIRECTORY_BROWSING,
        at: [{ path: '/images/', evidence: '<title>Index of /images</title>' }],
        in: ALL_ZAP,
      },
      {
        alert: JQUERY_1_8,
        at: [{ path: '/js/jquery.js', evidence: '/*! jQuery v1.8.3' }],
        in: ALL_ZAP,
      },
    ],
    nuclei: [],
  },
];

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ZAP's `generated`: the scanning computer's local time (here the province's), without a zone. */
function zapGenerated(iso: string): string {
  const local = new Date(Date.parse(iso) + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[local.getUTCDay()]}, ${two(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
}

function zapAlertItem(origin: string, a: ZapAlert, places: Place[]): string {
  const lines = [
    '<alertitem>',
    `    <pluginid>${a.plugin}</pluginid>`,
    `    <alertRef>${a.plugin}</alertRef>`,
    `    <alert>${esc(a.name)}</alert>`,
    `    <name>${esc(a.name)}</name>`,
    `    <riskcode>${a.risk}</riskcode>`,
    '    <confidence>2</confidence>',
    `    <riskdesc>${['Informational', 'Low', 'Medium', 'High'][a.risk]} (Medium)</riskdesc>`,
    `    <desc>&lt;p&gt;${esc(a.desc)}&lt;/p&gt;</desc>`,
    '    <instances>',
    ...places.flatMap((p) => [
      '    <instance>',
      `    <uri>${esc(origin + p.path)}</uri>`,
      `    <method>${p.method ?? 'GET'}</method>`,
      `    <param>${esc(p.param ?? '')}</param>`,
      `    <attack>${esc(p.attack ?? '')}</attack>`,
      `    <evidence>${esc(p.evidence ?? '')}</evidence>`,
      `    <otherinfo>${esc(a.otherinfo ?? '')}</otherinfo>`,
      '    </instance>',
    ]),
    '    </instances>',
    `    <count>${places.length}</count>`,
    `    <solution>&lt;p&gt;${esc(a.solution)}&lt;/p&gt;</solution>`,
    `    <otherinfo>${esc(a.otherinfo ?? '')}</otherinfo>`,
    `    <reference>&lt;p&gt;${esc(a.reference)}&lt;/p&gt;</reference>`,
    `    <cweid>${a.cwe}</cweid>`,
    `    <wascid>${a.wasc}</wascid>`,
    '    <sourceid>1</sourceid>',
    '  </alertitem>',
  ];
  return lines.join('\n');
}

/** One ZAP XML report (the traditional-xml template): every site the scan tested, with the alerts it saw then. */
function zapReport(scan: WebScan): string {
  const { at } = WEB_SCANS[scan];
  // ZAP 2.15 and later also write `created`, a zoned time.
  const newer = at.startsWith('2026');
  const root = newer
    ? `<OWASPZAPReport programName="ZAP" version="2.16.1" generated="${zapGenerated(at)}" created="${at}">`
    : `<OWASPZAPReport programName="ZAP" version="2.14.0" generated="${zapGenerated(at)}">`;
  const sites = STORIES.filter((s) => s.zapScans.includes(scan)).map((s) => {
    const u = new URL(s.origin);
    const https = u.protocol === 'https:';
    const alerts = s.zap.filter((z) => z.in.includes(scan)).map((z) => zapAlertItem(s.origin, z.alert, z.at));
    return `  <site name="${s.origin}" host="${u.hostname}" port="${https ? 443 : 80}" ssl="${https}"><alerts>${alerts.join('\n  ')}</alerts></site>`;
  });
  return ['<?xml version="1.0"?>', root, ...sites, '</OWASPZAPReport>', ''].join('\n');
}

/** One Nuclei `-jsonl` result, as Nuclei v3 writes it. */
function nucleiResult(
  s: Story,
  t: Template,
  path: string,
  timestamp: string,
  extra: { matcher?: string; extracted?: string[] } = {},
): string {
  const u = new URL(s.origin);
  const classification =
    t.cwe || t.cve || t.cvss
      ? {
          ...(t.cve ? { 'cve-id': [t.cve] } : {}),
          ...(t.cwe ? { 'cwe-id': [t.cwe] } : {}),
          ...(t.cvss ? { 'cvss-metrics': t.cvss[1], 'cvss-score': t.cvss[0] } : {}),
        }
      : undefined;
  return JSON.stringify({
    'template-id': t.id,
    'template-path': `/root/nuclei-templates/${t.dir}/${t.id}.yaml`,
    info: {
      name: t.name,
      author: ['pdteam'],
      tags: t.tags.split(','),
      ...(t.description ? { description: t.description } : {}),
      severity: t.severity,
      ...(t.remediation ? { remediation: t.remediation } : {}),
      ...(classification ? { classification } : {}),
    },
    ...(extra.matcher ? { 'matcher-name': extra.matcher } : {}),
    type: 'http',
    host: u.hostname,
    port: u.protocol === 'https:' ? '443' : '80',
    scheme: u.protocol.slice(0, -1),
    url: s.origin,
    'matched-at': `${s.origin}${path}`,
    ...(extra.extracted ? { 'extracted-results': extra.extracted } : {}),
    request: `GET ${path} HTTP/1.1\r\nHost: ${u.hostname}\r\nUser-Agent: Mozilla/5.0\r\nConnection: close\r\n\r\n`,
    ip: s.ip,
    timestamp,
    'curl-command': `curl -X 'GET' -d '' -H 'Host: ${u.hostname}' '${s.origin}${path}'`,
    'matcher-status': true,
  });
}

/** One Nuclei JSON Lines output: a technology result for every site tested (so it counts as tested), then findings. */
function nucleiReport(scan: WebScan): string {
  const start = Date.parse(WEB_SCANS[scan].at);
  let second = 0;
  const stamp = () => new Date(start + 1000 * second++ + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
  const lines: string[] = [];
  for (const s of STORIES.filter((x) => x.nucleiScans.includes(scan))) {
    lines.push(nucleiResult(s, TECH, '/', stamp(), { matcher: s.tech.toLowerCase().replaceAll(' ', '-') }));
    for (const n of s.nuclei.filter((x) => x.in.includes(scan)))
      lines.push(nucleiResult(s, n.template, n.path, stamp(), n));
  }
  return `${lines.join('\n')}\n`;
}

type WebReport = { scan: WebScan; name: string; content: string; origins: string[] };

/** The demo's web-scanner reports in the order they ran (each import resolves what the previous one fixed). */
export function demoWebReports(scans: readonly WebScan[]): WebReport[] {
  return scans.map((scan) => {
    const tool = WEB_SCANS[scan].tool;
    const month = WEB_SCANS[scan].at.slice(0, 7);
    const origins = STORIES.filter((s) => (tool === 'zap' ? s.zapScans : s.nucleiScans).includes(scan)).map(
      (s) => s.origin,
    );
    return tool === 'zap'
      ? { scan, name: `zap-yenbai-${month}.xml`, content: zapReport(scan), origins }
      : { scan, name: `nuclei-yenbai-${month}.jsonl`, content: nucleiReport(scan), origins };
  });
}

/**
 * The websites the model gives a vulnerability (a ZAP alert above informational, a Nuclei result above info) in one of
 * `scans`: what the demo test counts the figures against.
 */
export function demoVulnerableOrigins(scans: readonly WebScan[]): string[] {
  return STORIES.filter(
    (s) =>
      s.zap.some((z) => z.alert.risk > 0 && z.in.some((x) => scans.includes(x))) ||
      s.nuclei.some((n) => n.template.severity !== 'info' && n.in.some((x) => scans.includes(x))),
  ).map((s) => s.origin);
}
