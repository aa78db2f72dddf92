import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { provinceDay } from '../../src/core/time.ts';
import {
  adminApi,
  createUsers,
  type Harness,
  haveChromium,
  noSidewaysScroll,
  PASSWORD,
  screenshot,
  seedAdmin,
  startHarness,
} from './support.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The main pages by path and sidebar entry (the demo province, read by an administrator). */
const PAGES: [path: string, nav: string][] = [
  ['/', 'dashboard'],
  ['/oversight', 'oversight'],
  ['/vulnerabilities', 'vulnDashboard'],
  ['/vulnerabilities/computers', 'vulnComputers'],
  ['/vulnerabilities/websites', 'vulnWebsites'],
  ['/vulnerabilities/findings', 'vulnFindings'],
  ['/inventory', 'inventory'],
  ['/vulnerabilities/import', 'vulnImport'],
  ['/soc', 'socDashboard'],
  ['/soc/scanners', 'socScanners'],
  ['/soc/contacts', 'socContacts'],
  ['/soc/ingest', 'socIngest'],
  ['/incidents', 'incidents'],
  ['/incidents/team', 'incidentTeam'],
  ['/systems', 'systems'],
  ['/systems/dossiers', 'systemDossiers'],
  ['/systems/targets', 'systemTargets'],
  ['/organisations', 'organisations'],
  ['/users', 'users'],
  ['/audit', 'audit'],
  ['/account', 'account'],
];

/**
 * Pages reached from others, with no sidebar entry: path, screenshot name and title. The demo has no incident, so the
 * set-up reports one (the detail page is added then) and gives the reader a task in it, which the bell announces.
 */
const INNER: [path: string, name: string, title: string][] = [
  ['/incidents/edit', 'incidentEdit', 'Báo cáo sự cố'],
  ['/notifications', 'notifications', 'Thông báo'],
];
/** Every page to look at; one without a title is named by its sidebar entry. */
const screens = (): [path: string, name: string, title?: string][] => [...PAGES, ...INNER];

/** An incident of a demo system, a response step, a task for `readerName` and a response team with one on call. */
async function seedIncident(h: Harness, readerName: string) {
  const admin = await adminApi(h);
  const hour = 3_600_000;
  const at = (fromNow: number) => new Date(Date.now() + fromNow).toISOString();
  const reader = ((await admin.call('GET', `/api/users?q=${readerName}`)) as { items: { id: string }[] }).items[0];
  const { items } = (await admin.call('GET', '/api/systems?limit=1')) as {
    items: { id: string; organisationId: string }[];
  };
  const system = items[0];
  if (!reader || !system) throw new Error('the demo has no system or the reader is missing');
  const incident = await admin.call(
    'POST',
    '/api/incidents',
    {
      title: 'Mã độc mã hóa dữ liệu trên máy chủ một cửa điện tử',
      organisationId: system.organisationId,
      systemId: system.id,
      detectedAt: at(-3 * hour),
      type: 'encryption',
      contactName: 'Nguyễn Văn An',
      contactPosition: 'Trưởng phòng Công nghệ thông tin',
      contactPhone: '0912 345 678',
      contactEmail: 'an.nv@example.vn',
      description: 'Các tệp trên máy chủ bị đổi đuôi .locked; xuất hiện thư đòi tiền chuộc.',
      damage: 'Gián đoạn tiếp nhận hồ sơ trực tuyến.',
      actionsTaken: 'Ngắt máy chủ khỏi mạng, khôi phục từ bản sao lưu.',
      severityFactors: ['outage'],
    },
    201,
  );
  const id = incident.id as string;
  await admin.call(
    'POST',
    `/api/incidents/${id}/steps`,
    { step: 'receive_verify', at: at(-2 * hour), note: 'Xác minh thư đòi tiền chuộc và phạm vi tệp bị mã hóa.' },
    201,
  );
  await admin.call(
    'POST',
    `/api/incidents/${id}/tasks`,
    {
      title: 'Khôi phục dữ liệu từ bản sao lưu',
      assigneeId: reader.id,
      dueOn: provinceDay(new Date(Date.now() + 48 * hour)),
    },
    201,
  );
  const member = await admin.call(
    'POST',
    '/api/team/members',
    {
      fullName: 'Nguyễn Thị Hồng Nhung',
      organisationId: system.organisationId,
      teamRole: 'lead',
      position: 'Phó Trưởng phòng An toàn thông tin',
      expertise: 'Phân tích mã độc, điều tra số',
      phone: '0987 654 321',
      email: 'nhung.nth@example.vn',
      validFrom: '2024-01-01',
    },
    201,
  );
  await admin.call('POST', '/api/team/shifts', { memberId: member.id, startsAt: at(-hour), endsAt: at(7 * hour) }, 201);
  INNER.push([`/incidents/view?id=${id}`, 'incidentView', incident.code as string]);
}

/**
 * What every user sees, at a desktop width and on a phone: each main page opens on its heading with its own title,
 * nothing scrolls sideways, the phone reaches every page through the menu button, and axe-core finds no serious or
 * critical accessibility violation. Screenshots land in dist/screenshots/screens-*.png.
 */
describe.skipIf(!haveChromium)('main pages at 1440 px and 390 px', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(async (database) => {
      await seedAdmin()(database);
      await loadDemo(database.db, CLI_ACTOR);
    });
    await createUsers(h, [['quantri.tinh', 'Quản trị tỉnh', 'admin', null]]);
    await seedIncident(h, 'quantri.tinh');
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A signed-in page at `viewport`; axe is injected by evaluation (the app's CSP allows no inline script). */
  async function signedIn(viewport: { width: number; height: number }) {
    const { page } = await h.newPage({ locale: 'vi-VN' });
    await page.setViewportSize(viewport);
    await page.goto(h.base);
    await page.getByLabel('Tên đăng nhập').fill('quantri.tinh');
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByRole('heading', { name: 'Tổng quan', exact: true }).waitFor();
    return page;
  }

  async function axeViolations(page: Page) {
    await page.evaluate(AXE);
    const result = await page.evaluate<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>(
      `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
    );
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  }

  const open = async (page: Page, path: string) => {
    await page.goto(`${h.base}${path}`);
    await page.locator('main h1').first().waitFor();
    // Lists and cards load after the heading; wait until no request is in flight.
    await page.waitForLoadState('networkidle');
  };

  it('desktop: every page has its title, fits the window and passes axe-core', async () => {
    const page = await signedIn(DESKTOP);
    const problems: string[] = [];
    for (const [path, nav, title] of screens()) {
      await open(page, path);
      expect(await page.title()).toBe(`${title ?? (await page.getByTestId(`nav-${nav}`).textContent())} · Khiên`);
      await noSidewaysScroll(page, path);
      await screenshot(page, `screens-${nav}-1440`, { fullPage: false });
      for (const v of await axeViolations(page)) problems.push(`${path}: ${v}`);
    }
    expect(problems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });

  it('phone: a menu button opens the navigation, and no page scrolls sideways', async () => {
    const page = await signedIn(PHONE);
    const menu = page.getByTestId('menu-button');
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    expect(await nav.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.getByTestId('nav-systems').click();
    await page.getByRole('heading', { level: 1, name: 'Hệ thống thông tin', exact: true }).waitFor();
    // Choosing a page closes the menu again.
    expect(await nav.isVisible()).toBe(false);

    const problems: string[] = [];
    for (const [path, nav] of screens()) {
      await open(page, path);
      await noSidewaysScroll(page, path);
      await screenshot(page, `screens-${nav}-390`, { fullPage: false });
      for (const v of await axeViolations(page)) problems.push(`${path}: ${v}`);
    }
    expect(problems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
