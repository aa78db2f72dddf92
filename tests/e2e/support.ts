import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { type Database, openDatabase } from '../../src/core/db/client.ts';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import type { Role } from '../../src/modules/auth/roles.ts';
import { buildApp } from '../../src/server/app.ts';

// Shared by the browser tests: the built UI, an in-process server on a fresh embedded database, Debian's Chromium.

export const ROOT = resolve(import.meta.dirname, '../..');
const WEB_SRC = join(ROOT, 'src/web');
const WEB_OUT = join(ROOT, 'dist/web');
const WEB_INDEX = join(WEB_OUT, 'index.html');
const BUILD_LOCK = join(ROOT, 'dist/.web-build.lock');
export const SCREENSHOTS = join(ROOT, 'dist/screenshots');
const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1366, height: 820 };

export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn('SKIPPED: browser tests — /usr/bin/chromium not installed (apt-get install chromium)');

const webIsFresh = () => {
  if (!existsSync(WEB_INDEX)) return false;
  const built = statSync(WEB_INDEX).mtimeMs;
  const sources = readdirSync(WEB_SRC, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  return sources.every((f) => statSync(join(f.parentPath, f.name)).mtimeMs <= built);
};

/**
 * Builds the UI when it is missing or older than its sources, so a test never drives a stale bundle. Test files run
 * in parallel processes and the build empties dist/web first, so one process builds while the others wait.
 */
export async function ensureWebBuilt() {
  if (webIsFresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK); // atomic: whoever creates it builds
      break;
    } catch {
      // A lock left by a crashed run must not block for ever.
      const since = statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 5 * 60_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const nodeEnv = process.env.NODE_ENV;
  try {
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build: test what ships.
    process.env.NODE_ENV = 'production';
    if (!webIsFresh()) await build({ configFile: join(WEB_SRC, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export type Harness = {
  database: Database;
  app: FastifyInstance;
  browser: Browser;
  /** http://127.0.0.1:<port> of the in-process server. */
  base: string;
  /** Messages of uncaught page errors in any page opened through `newPage`; a test ends by expecting none. */
  pageErrors: string[];
  /** A page in its own browser context (own cookies = own session). */
  newPage(options?: { locale?: string }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
};

/** UI built, fresh migrated database (seeded by `seed` before the server starts), server listening, Chromium up. */
export async function startHarness(seed: (database: Database) => Promise<void>): Promise<Harness> {
  await ensureWebBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const database = await openDatabase({});
  await database.migrate();
  await seed(database);
  const app = await buildApp({ database, config: loadConfig({ LOG_LEVEL: 'silent' }, { secretKey: randomBytes(32) }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const pageErrors: string[] = [];
  return {
    database,
    app,
    browser,
    base: `http://127.0.0.1:${address.port}`,
    pageErrors,
    async newPage(options = {}) {
      const context = await browser.newContext({ viewport: VIEWPORT, ...options });
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return { context, page };
    },
    async close() {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}

/** A screenshot in dist/screenshots/<name>.png (whole page unless `fullPage` is false), to look at after the run. */
export const screenshot = (page: Page, name: string, { fullPage = true } = {}) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });

/** The password of every user the browser tests create. */
export const PASSWORD = 'một mật khẩu đủ dài 2024';

/** A `startHarness` seed: the administrator `quantri` (the one user the first run creates). */
export const seedAdmin =
  (displayName = 'Quản trị') =>
  async (database: Database) => {
    await createUser(database.db, null, { username: 'quantri', displayName, role: 'admin', password: PASSWORD });
  };

/** The administrator signed in through the API, as a script would: `call` expects a 2xx answer and returns its body. */
export async function adminApi(h: Harness) {
  const login = await h.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'quantri', password: PASSWORD },
  });
  const cookie = login.cookies.find((c) => c.name === 'khien_sid')?.value ?? '';
  const { csrfToken } = login.json() as { csrfToken: string };
  return {
    async call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, status?: number) {
      const res = await h.app.inject({
        method,
        url,
        cookies: { khien_sid: cookie },
        headers: { 'x-csrf-token': csrfToken },
        payload,
      });
      if (status === undefined) expect(res.statusCode, res.body).toBeLessThan(300);
      else expect(res.statusCode, res.body).toBe(status);
      return res.json() as Record<string, unknown>;
    },
  };
}

/** Top-level departments created by the administrator through the API, each with one IP range; their ids by key. */
export async function createDepartments<K extends string>(h: Harness, departments: [K, string, string, string][]) {
  const admin = await adminApi(h);
  const ids = {} as Record<K, string>;
  for (const [key, code, name, range] of departments) {
    const org = await admin.call(
      'POST',
      '/api/organisations',
      { code, name, type: 'department', parentId: null, ipRanges: [range] },
      201,
    );
    ids[key] = org.id as string;
  }
  return ids;
}

/** Users straight into the database, all with `PASSWORD`: [username, display name, role, organisation]. */
export async function createUsers(h: Harness, users: [string, string, Role, string | null][]) {
  for (const [username, displayName, role, organisationId] of users)
    await createUser(h.database.db, null, { username, displayName, role, organisationId, password: PASSWORD });
}

/** Signs `username` in on a fresh page (own session), Vietnamese UI, and waits for the overview (leaders: the board). */
export async function signIn(h: Harness, username: string) {
  const { page } = await h.newPage({ locale: 'vi-VN' });
  await page.goto(h.base);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByRole('heading', { name: /^(Tổng quan|Điều hành)$/ }).waitFor();
  return page;
}

/** The page is no wider than the window: nothing makes the reader scroll sideways (the widest elements are named). */
export async function noSidewaysScroll(page: Page, where = '') {
  const width = page.viewportSize()?.width ?? 0;
  const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > ${width} + 1)
    .slice(0, 8)
    .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`);
  expect(
    await page.evaluate<number>('document.documentElement.scrollWidth'),
    `${where}\n${wide.join('\n')}`,
  ).toBeLessThanOrEqual(width);
}

/** A wide screen and a phone, as every page is looked at. */
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The page as it is now at both widths: nothing scrolls sideways, a screenshot `<prefix>-<name>-<width>.png` each. */
export async function atBothWidths(page: Page, prefix: string, name: string) {
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await noSidewaysScroll(page, `${name} at ${viewport.width} px`);
    await screenshot(page, `${prefix}-${name}-${viewport.width}`);
  }
  await page.setViewportSize(DESKTOP);
}
