import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import {
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
  ['/vulnerabilities', 'vulnDashboard'],
  ['/vulnerabilities/computers', 'vulnComputers'],
  ['/vulnerabilities/findings', 'vulnFindings'],
  ['/inventory', 'inventory'],
  ['/vulnerabilities/import', 'vulnImport'],
  ['/soc', 'socDashboard'],
  ['/soc/scanners', 'socScanners'],
  ['/soc/contacts', 'socContacts'],
  ['/soc/ingest', 'socIngest'],
  ['/systems', 'systems'],
  ['/systems/dossiers', 'systemDossiers'],
  ['/systems/targets', 'systemTargets'],
  ['/organisations', 'organisations'],
  ['/users', 'users'],
  ['/audit', 'audit'],
  ['/account', 'account'],
];

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
    for (const [path, nav] of PAGES) {
      await open(page, path);
      expect(await page.title()).toBe(`${await page.getByTestId(`nav-${nav}`).textContent()} · Khiên`);
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
    for (const [path, nav] of PAGES) {
      await open(page, path);
      await noSidewaysScroll(page, path);
      await screenshot(page, `screens-${nav}-390`, { fullPage: false });
      for (const v of await axeViolations(page)) problems.push(`${path}: ${v}`);
    }
    expect(problems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
