// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { VulnFindingRow } from '../../api/schema.gen.ts';
import { FindingsPage } from './FindingsPage.tsx';

const FINDINGS = '/api/vulnerabilities/findings';

function row(n: number, patch: Partial<VulnFindingRow['finding']> = {}, overdue = false): VulnFindingRow {
  return {
    finding: {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      computerId: '10000000-0000-4000-8000-000000000001',
      websiteId: null,
      organisationId: '20000000-0000-4000-8000-000000000001',
      scanner: 'nessus',
      scannerId: '58453',
      port: 3389,
      protocol: 'tcp',
      service: 'msrdp',
      name: `Terminal Services Doesn't Use Network Level Authentication (${n})`,
      severity: 'medium',
      cvss2Score: 5.1,
      cvss2Vector: null,
      cvss3Score: null,
      cvss3Vector: null,
      cves: ['CVE-2005-1794'],
      cwes: [],
      url: null,
      location: null,
      solution: 'Enable Network Level Authentication.',
      synopsis: null,
      output: null,
      knownExploited: false,
      status: 'open',
      statusReason: null,
      statusChangedAt: null,
      acceptedUntil: null,
      requestedStatus: null,
      requestedBy: null,
      firstSeen: '2024-03-10T02:00:00.000Z',
      lastSeen: '2024-05-20T02:00:00.000Z',
      resolvedAt: null,
      reopenedCount: 0,
      lastScanId: null,
      ...patch,
    },
    dueAt: '2024-06-08T02:00:00.000Z',
    overdue,
    ip: `10.31.112.2${n}`,
    hostname: `qa3app0${n}`,
    website: null,
    organisationName: 'Sở A',
    actions: { changes: [{ status: 'fixed', direct: true }], decide: false },
  };
}

const WEBSITE = '40000000-0000-4000-8000-000000000001';

/** A ZAP finding on a website: no IP, a URL and a place on the site, a CWE. */
function webRow(n: number): VulnFindingRow {
  const r = row(n, {
    computerId: null,
    websiteId: WEBSITE,
    scanner: 'zap',
    scannerId: '10011',
    port: 443,
    service: 'https',
    name: 'Cookie Without Secure Flag',
    severity: 'low',
    cvss2Score: null,
    cves: [],
    cwes: ['CWE-614'],
    url: 'https://mainsite.com/dashboard',
    location: '/dashboard [opvc]',
    synopsis: 'A cookie has been set without the secure flag.',
  });
  return { ...r, ip: null, hostname: 'mainsite.com', website: 'https://mainsite.com:443' };
}

describe('the findings table', () => {
  beforeEach(() => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: () => ({
        items: [row(1, { severity: 'high', cvss3Score: 7.5, knownExploited: true }), row(2, {}, true)],
        total: 1234,
      }),
    });
  });

  it('asks for what still needs work, most severe first, and shows the rows and the total in Vietnamese', async () => {
    renderPage(FindingsPage, { url: '/vulnerabilities/findings', role: 'agency' });
    const table = await screen.findByTestId('findings-table');
    await within(table).findByText('qa3app01');
    const q = lastQuery(FINDINGS);
    expect(Object.fromEntries(q)).toEqual({
      limit: '50',
      offset: '0',
      sort: 'severity',
      dir: 'desc',
      status: 'active',
    });
    expect(screen.getByTestId('findings-table-total').textContent).toBe('1–50 / 1.234');
    // Decimal comma in Vietnamese; the server's `overdue` flag marks the deadline.
    expect(within(table).getByText('7,5')).toBeTruthy();
    const overdue = table.querySelector('[data-overdue]');
    expect(overdue?.closest('tr')?.textContent).toContain('qa3app02');
    expect(within(table).getAllByText('KEV')).toHaveLength(1);
  });

  it('sends the sort a header click asks for, then the other direction', async () => {
    const user = userEvent.setup();
    const router = renderPage(FindingsPage, { url: '/vulnerabilities/findings', role: 'agency' });
    await screen.findByText('qa3app01');
    // A score sorts highest first on the first click; a name A to Z.
    await user.click(screen.getByTestId('sort-cvss'));
    await waitFor(() => expect(lastQuery(FINDINGS).get('sort')).toBe('cvss'));
    expect(lastQuery(FINDINGS).get('dir')).toBe('desc');
    await user.click(screen.getByTestId('sort-cvss'));
    await waitFor(() => expect(lastQuery(FINDINGS).get('dir')).toBe('asc'));
    expect(new URLSearchParams(router.state.location.searchStr).get('sort')).toBe('cvss');
    await user.click(screen.getByTestId('sort-ip'));
    await waitFor(() => expect(lastQuery(FINDINGS).get('sort')).toBe('ip'));
    expect(lastQuery(FINDINGS).get('dir')).toBe('asc');
    expect(screen.getByTestId('sort-ip').closest('th')?.getAttribute('aria-sort')).toBe('ascending');
  });

  it('searches by what was typed and filters by severity, scanner and known exploitation, all in the URL', async () => {
    const user = userEvent.setup();
    const router = renderPage(FindingsPage, { url: '/vulnerabilities/findings?page=3', role: 'agency' });
    await screen.findByText('qa3app01');
    expect(lastQuery(FINDINGS).get('offset')).toBe('100');
    await user.type(screen.getByTestId('finding-search'), 'CVE-2005-1794{Enter}');
    await waitFor(() => expect(lastQuery(FINDINGS).get('q')).toBe('CVE-2005-1794'));
    // A new search starts again from the first page.
    expect(lastQuery(FINDINGS).get('offset')).toBe('0');
    await user.selectOptions(screen.getByTestId('filter-severity'), 'high');
    await waitFor(() => expect(lastQuery(FINDINGS).get('severity')).toBe('high'));
    await user.selectOptions(screen.getByTestId('filter-scanner'), 'openvas');
    await waitFor(() => expect(lastQuery(FINDINGS).get('scanner')).toBe('openvas'));
    await user.click(screen.getByTestId('filter-knownExploited'));
    await waitFor(() => expect(lastQuery(FINDINGS).get('knownExploited')).toBe('true'));
    await user.selectOptions(screen.getByTestId('filter-status'), 'all');
    await waitFor(() => expect(lastQuery(FINDINGS).has('status')).toBe(false));
    const url = new URLSearchParams(router.state.location.searchStr);
    expect(Object.fromEntries(url)).toMatchObject({
      q: 'CVE-2005-1794',
      severity: 'high',
      scanner: 'openvas',
      knownExploited: 'true',
      status: 'all',
    });
  });

  it('reads a computer’s link from the URL and sends nothing the server would refuse', async () => {
    renderPage(FindingsPage, {
      url: '/vulnerabilities/findings?computerId=10000000-0000-4000-8000-000000000001&host=10.31.112.21&severity=grave&sort=bogus',
      role: 'agency',
    });
    await screen.findByText('qa3app01');
    expect(screen.getByTestId('computer-filter').textContent).toContain('Trên máy 10.31.112.21');
    const q = lastQuery(FINDINGS);
    expect(q.get('computerId')).toBe('10000000-0000-4000-8000-000000000001');
    expect(q.has('severity')).toBe(false);
    expect(q.has('sort')).toBe(false);
    expect(q.has('host')).toBe(false);
  });

  it('says that nothing matches the filters, and clears them', async () => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: (req) => (req.query.has('q') ? { items: [], total: 0 } : { items: [row(1)], total: 1 }),
    });
    const user = userEvent.setup();
    renderPage(FindingsPage, { url: '/vulnerabilities/findings?q=10.9.9.9', role: 'agency' });
    const empty = await screen.findByTestId('findings-empty');
    expect(empty.textContent).toContain('Không có kết quả phù hợp với bộ lọc.');
    await user.click(within(empty).getByRole('button'));
    await screen.findByText('qa3app01');
    expect(lastQuery(FINDINGS).has('q')).toBe(false);
    expect(sentTo(FINDINGS).length).toBeGreaterThanOrEqual(2);
  });

  it('on a fresh install tells the SOC to import a report, with the link, and the others what will come', async () => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: () => ({ items: [], total: 0 }),
      'GET /api/vulnerabilities/scans': () => [],
    });
    renderPage(FindingsPage, { url: '/vulnerabilities/findings', role: 'soc' });
    const none = await screen.findByTestId('no-scans');
    expect(none.textContent).toContain('Chưa có báo cáo quét nào được nhập.');
    expect(within(none).getByRole('link', { name: 'Nhập báo cáo quét' }).getAttribute('href')).toBe(
      '/vulnerabilities/import',
    );
    cleanup();
    renderPage(FindingsPage, { url: '/vulnerabilities/findings', role: 'agency' });
    const waiting = await screen.findByTestId('no-data');
    expect(waiting.textContent).toContain('Không có lỗ hổng nào cần xử lý.');
    expect(waiting.textContent).toContain('Khi SOC nhập báo cáo quét');
    // An agency cannot list the imports: it never asks.
    expect(sentTo('/api/vulnerabilities/scans')).toHaveLength(1);
  });
});

describe('web findings in the list', () => {
  it('shows a website’s finding by its site, place and CWE, and a computer’s as before', async () => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: () => ({ items: [row(1), webRow(2)], total: 2 }),
    });
    const router = renderPage(FindingsPage, { url: '/vulnerabilities/findings', role: 'agency' });
    const table = await screen.findByTestId('findings-table');
    const web = (await within(table).findByText('Cookie Without Secure Flag')).closest('tr') as HTMLElement;
    expect(within(web).getByTestId('finding-website').textContent).toBe('https://mainsite.com');
    expect(within(web).getByText('/dashboard [opvc]')).toBeTruthy();
    const cwe = within(web).getByRole('link', { name: 'CWE-614' });
    expect(cwe.getAttribute('href')).toBe('https://cwe.mitre.org/data/definitions/614.html');
    expect(cwe.getAttribute('rel')).toContain('noopener');
    // No empty address where a website has none; the computer's row keeps its address and port.
    expect(web.textContent).not.toContain('null');
    const computer = within(table).getByText('qa3app01').closest('tr') as HTMLElement;
    expect(computer.textContent).toContain('10.31.112.21');
    expect(computer.textContent).toContain('3389/tcp');
    // The CWE link opens MITRE's page, not the row's panel.
    cwe.addEventListener('click', (e) => e.preventDefault());
    await userEvent.setup().click(cwe);
    expect(new URLSearchParams(router.state.location.searchStr).has('finding')).toBe(false);
  });

  it('narrows to websites or computers with the subject filter, in the URL', async () => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: () => ({ items: [webRow(2)], total: 1 }),
    });
    const user = userEvent.setup();
    const router = renderPage(FindingsPage, { url: '/vulnerabilities/findings', role: 'agency' });
    await screen.findByText('Cookie Without Secure Flag');
    expect(screen.getByTestId('sort-ip').textContent).toContain('Máy tính / Trang web');
    await user.selectOptions(screen.getByTestId('filter-subject'), 'websites');
    await waitFor(() => expect(lastQuery(FINDINGS).get('subject')).toBe('websites'));
    expect(new URLSearchParams(router.state.location.searchStr).get('subject')).toBe('websites');
    expect(screen.getByTestId('sort-ip').textContent).toContain('Trang web');
    expect(screen.getByTestId('sort-cve').textContent).toContain('CVE / CWE');
    await user.selectOptions(screen.getByTestId('filter-subject'), 'computers');
    await waitFor(() => expect(lastQuery(FINDINGS).get('subject')).toBe('computers'));
  });

  it('reads a website’s link from the URL, says which site, and clears it', async () => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: () => ({ items: [webRow(2)], total: 1 }),
    });
    const user = userEvent.setup();
    renderPage(FindingsPage, {
      url: `/vulnerabilities/findings?websiteId=${WEBSITE}&site=${encodeURIComponent('https://mainsite.com')}`,
      role: 'agency',
    });
    await screen.findByText('Cookie Without Secure Flag');
    const chip = screen.getByTestId('website-filter');
    expect(chip.textContent).toContain('Trên trang web https://mainsite.com');
    const q = lastQuery(FINDINGS);
    expect(q.get('websiteId')).toBe(WEBSITE);
    expect(q.has('site')).toBe(false);
    await user.click(within(chip).getByRole('button', { name: 'Bỏ lọc' }));
    await waitFor(() => expect(lastQuery(FINDINGS).has('websiteId')).toBe(false));
  });

  it('opens a web finding’s detail with its website, URL, place and CWE, and the same remediation actions', async () => {
    const r = webRow(2);
    serve({
      'GET /api/organisations': () => [],
      [`GET ${FINDINGS}`]: () => ({ items: [r], total: 1 }),
      [`GET ${FINDINGS}/${r.finding.id}`]: () => ({ ...r, requestedByName: null, history: [] }),
    });
    renderPage(FindingsPage, { url: `/vulnerabilities/findings?finding=${r.finding.id}`, role: 'agency' });
    const detail = await screen.findByTestId('finding-detail');
    await within(detail).findByTestId('finding-website');
    const site = within(detail).getByRole('link', { name: 'https://mainsite.com' });
    expect(site.getAttribute('href')).toBe(
      `/vulnerabilities/findings?websiteId=${WEBSITE}&site=${encodeURIComponent('https://mainsite.com')}`,
    );
    expect(within(detail).getByTestId('finding-url').textContent).toBe('https://mainsite.com/dashboard');
    expect(within(detail).getByTestId('finding-location').textContent).toBe('/dashboard [opvc]');
    expect(within(detail).getByTestId('finding-cwes').textContent).toBe('CWE-614');
    expect(within(detail).getByText('ZAP #10011')).toBeTruthy();
    // A website has no port or IP to show, and no empty CVE line.
    expect(within(detail).queryByText('Cổng')).toBeNull();
    expect(within(detail).queryByText('CVE')).toBeNull();
    expect(within(detail).getByTestId('action-fixed')).toBeTruthy();
  });

  it('links a web finding’s URL only when it is http(s), and shows markup in its fields as text', async () => {
    const page = (r: VulnFindingRow) => {
      serve({
        'GET /api/organisations': () => [],
        [`GET ${FINDINGS}`]: () => ({ items: [r], total: 1 }),
        [`GET ${FINDINGS}/${r.finding.id}`]: () => ({ ...r, requestedByName: null, history: [] }),
      });
      renderPage(FindingsPage, { url: `/vulnerabilities/findings?finding=${r.finding.id}`, role: 'agency' });
      return screen.findByTestId('finding-detail');
    };
    const safe = webRow(3);
    const link = await within(await page(safe)).findByRole('link', { name: 'https://mainsite.com/dashboard' });
    expect(link.getAttribute('href')).toBe('https://mainsite.com/dashboard');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(link.getAttribute('rel')).toContain('noreferrer');
    cleanup();
    for (const url of [
      'javascript:alert(document.cookie)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
    ]) {
      const hostile = webRow(4);
      hostile.finding.url = url;
      hostile.finding.name = '<img src=x onerror=alert(1)>';
      hostile.finding.location = '/x [<script>alert(1)</script>]';
      const detail = await page(hostile);
      const shown = await within(detail).findByTestId('finding-url');
      expect(shown.textContent).toBe(url);
      expect(shown.querySelector('a')).toBeNull();
      expect(within(detail).getByTestId('finding-location').textContent).toBe('/x [<script>alert(1)</script>]');
      expect(document.querySelector('img[src="x"], script:not([src])')).toBeNull();
      cleanup();
    }
  });
});
