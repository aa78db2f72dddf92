import { seededRandom } from '../../src/core/random.ts';

/**
 * Demo scanner reports for the Yên Bái data set: two Nessus v2 reports (March and June 2024) of computers inside the
 * organisations' IP ranges, built so that the first half of 2024 shows exactly `vulnerable` computers with
 * vulnerabilities (the article's 617), many of them critical, and the June scan resolving part of them.
 * Plugin ids, names and CVEs are real Nessus checks; hosts and results are invented.
 */
const CHECKS = [
  {
    id: '97833',
    name: 'MS17-010: Security Update for Microsoft Windows SMB Server (ETERNALBLUE)',
    sev: 4,
    cvss3: 8.1,
    port: 445,
    svc: 'cifs',
    cves: ['CVE-2017-0143', 'CVE-2017-0144', 'CVE-2017-0145'],
    fix: 'Cài đặt bản vá MS17-010 của Microsoft.',
  },
  {
    id: '125313',
    name: 'Microsoft RDP RCE (CVE-2019-0708) (BlueKeep) (uncredentialed check)',
    sev: 4,
    cvss3: 9.8,
    port: 3389,
    svc: 'msrdp',
    cves: ['CVE-2019-0708'],
    fix: 'Cập nhật bản vá bảo mật của Microsoft, bật Network Level Authentication.',
  },
  {
    id: '156164',
    name: 'Apache Log4Shell RCE detection via callback correlation (Direct Check HTTP)',
    sev: 4,
    cvss3: 10,
    port: 8080,
    svc: 'www',
    cves: ['CVE-2021-44228'],
    fix: 'Nâng cấp Apache Log4j lên 2.17.1 trở lên.',
  },
  {
    id: '108797',
    name: 'Unsupported Windows OS (remote)',
    sev: 4,
    cvss3: 10,
    port: 0,
    svc: 'general',
    cves: [],
    fix: 'Nâng cấp lên phiên bản Windows còn được hỗ trợ.',
  },
  {
    id: '142960',
    name: 'PHP 7.3.x < 7.3.24 Multiple Vulnerabilities',
    sev: 3,
    cvss3: 7.5,
    port: 80,
    svc: 'www',
    cves: ['CVE-2020-7069', 'CVE-2020-7070'],
    fix: 'Nâng cấp PHP lên 7.3.24 trở lên.',
  },
  {
    id: '42873',
    name: 'SSL Medium Strength Cipher Suites Supported (SWEET32)',
    sev: 3,
    cvss3: 7.5,
    port: 443,
    svc: 'www',
    cves: ['CVE-2016-2183'],
    fix: 'Tắt các bộ mã hóa độ mạnh trung bình (3DES).',
  },
  {
    id: '58453',
    name: "Terminal Services Doesn't Use Network Level Authentication (NLA) Only",
    sev: 2,
    cvss3: 4.0,
    port: 3389,
    svc: 'msrdp',
    cves: [],
    fix: 'Bật Network Level Authentication cho Remote Desktop.',
  },
  {
    id: '57608',
    name: 'SMB Signing not required',
    sev: 2,
    cvss3: 5.3,
    port: 445,
    svc: 'cifs',
    cves: [],
    fix: 'Bắt buộc ký SMB (SMB signing).',
  },
  {
    id: '51192',
    name: 'SSL Certificate Cannot Be Trusted',
    sev: 2,
    cvss3: 6.5,
    port: 443,
    svc: 'www',
    cves: [],
    fix: 'Dùng chứng thư số do tổ chức chứng thực tin cậy cấp.',
  },
  {
    id: '10114',
    name: 'ICMP Timestamp Request Remote Date Disclosure',
    sev: 1,
    cvss3: 2.1,
    port: 0,
    svc: 'general',
    cves: ['CVE-1999-0524'],
    fix: 'Chặn gói ICMP timestamp tại tường lửa.',
  },
  {
    id: '70658',
    name: 'SSH Server CBC Mode Ciphers Enabled',
    sev: 1,
    cvss3: 3.7,
    port: 22,
    svc: 'ssh',
    cves: ['CVE-2008-5161'],
    fix: 'Tắt các bộ mã hóa chế độ CBC trên máy chủ SSH.',
  },
] as const;

/** Text for an XML attribute or element. */
export const esc = (s: string) =>
  s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

/** Addresses for demo computers: a few in every organisation's first IPv4 range (more for departments/districts). */
export function demoHostAddresses(orgs: { type: string; ipRanges: string[] }[]): string[] {
  const hosts: string[] = [];
  for (const o of orgs) {
    const v4 = o.ipRanges.find((r) => /^10\./.test(r));
    if (!v4 || o.type === 'province') continue;
    const [base] = v4.split('/') as [string];
    const octets = base.split('.').map(Number) as [number, number, number, number];
    const count = o.type === 'commune' ? 3 : o.type === 'district' ? 12 : 8;
    for (let i = 0; i < count; i++) hosts.push(`${octets[0]}.${octets[1]}.${octets[2]}.${octets[3] + 10 + i}`);
  }
  return hosts;
}

type Planned = { ip: string; checks: (typeof CHECKS)[number][] };

/** A Nessus v2 report of planned hosts, each with its checks (plus the scan-information item every host has). */
function nessusXml(label: string, end: string, hosts: Planned[]): string {
  return [
    '<?xml version="1.0" ?>',
    '<NessusClientData_v2>',
    `<Report name="${esc(label)}" xmlns:cm="http://www.nessus.org/cm">`,
    ...hosts.map((h, i) => {
      const items = [
        `<ReportItem port="0" svc_name="general" protocol="tcp" severity="0" pluginID="19506" pluginName="Nessus Scan Information" pluginFamily="Settings"><synopsis>Information about the Nessus scan.</synopsis></ReportItem>`,
        ...h.checks.map(
          (c) =>
            `<ReportItem port="${c.port}" svc_name="${c.svc}" protocol="tcp" severity="${c.sev}" pluginID="${c.id}" pluginName="${esc(c.name)}" pluginFamily="General">` +
            `<cvss3_base_score>${c.cvss3.toFixed(1)}</cvss3_base_score><risk_factor>${['None', 'Low', 'Medium', 'High', 'Critical'][c.sev]}</risk_factor>` +
            `<solution>${esc(c.fix)}</solution><synopsis>${esc(c.name)}</synopsis>${c.cves.map((v) => `<cve>${v}</cve>`).join('')}</ReportItem>`,
        ),
      ];
      return `<ReportHost name="${h.ip}"><HostProperties><tag name="host-ip">${h.ip}</tag><tag name="netbios-name">MAY-${String(i + 1).padStart(4, '0')}</tag><tag name="operating-system">${i % 5 === 0 ? 'Microsoft Windows Server 2012 R2' : 'Microsoft Windows 10 Pro'}</tag><tag name="HOST_END">${end}</tag></HostProperties>${items.join('')}</ReportHost>`;
    }),
    '</Report>',
    '</NessusClientData_v2>',
    '',
  ].join('\n');
}

/** Two reports: March finds every vulnerable computer; in June some of them are fixed (their findings resolve). */
export function demoNessusReports(
  hosts: string[],
  vulnerable: number,
): { name: string; scannedAt: string; xml: string }[] {
  const rnd = seededRandom(617);
  const plan = hosts.map((ip, i) => {
    // Critical checks are the first four; every vulnerable computer has at least one lesser finding, a fifth of
    // them also a critical one.
    const checks = i < vulnerable ? CHECKS.slice(4).filter(() => rnd() < 0.25) : [];
    if (i < vulnerable && checks.length === 0)
      checks.push(CHECKS[6 + Math.floor(rnd() * 5)] as (typeof CHECKS)[number]);
    if (i < vulnerable && rnd() < 0.2) checks.push(CHECKS[Math.floor(rnd() * 4)] as (typeof CHECKS)[number]);
    return { ip, checks: [...new Set(checks)], fixedByJune: rnd() < 0.3 };
  });
  return [
    {
      name: 'yenbai-2024-03.nessus',
      scannedAt: '2024-03-15T17:00:00+07:00',
      xml: nessusXml('Quét định kỳ quý I/2024', 'Fri Mar 15 17:00:00 2024', plan),
    },
    {
      name: 'yenbai-2024-06.nessus',
      scannedAt: '2024-06-14T17:00:00+07:00',
      xml: nessusXml(
        'Quét định kỳ quý II/2024',
        'Fri Jun 14 17:00:00 2024',
        plan.map((h) => ({ ip: h.ip, checks: h.fixedByJune ? [] : h.checks })),
      ),
    },
  ];
}

/**
 * A scan of March 2026, after the merger: the same addresses, now in the ranges of the new province's units, with
 * a newer mix of findings (every third host vulnerable), so a 2026 figure rolls up under the new tree.
 */
export function demoReport2026(hosts: string[]): { name: string; scannedAt: string; xml: string } {
  const rnd = seededRandom(2026);
  const plan = hosts.map((ip, i) => ({
    ip,
    checks: i % 3 === 0 ? [CHECKS[4 + Math.floor(rnd() * 7)] as (typeof CHECKS)[number]] : [],
  }));
  return {
    name: 'laocai-2026-03.nessus',
    scannedAt: '2026-03-20T17:00:00+07:00',
    xml: nessusXml('Quét định kỳ quý I/2026', 'Fri Mar 20 17:00:00 2026', plan),
  };
}
