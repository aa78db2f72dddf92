// A phishing exercise in a real browser: drafted in the UI, approved by another user, sent through a real SMTP
// server process; Chromium follows the link from the received mail, types into the bait form and submits it. The
// database then holds the submit event and the typed text is in no table. Screenshots at desktop and 390 px.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { type Database, openDatabase, queryRows } from '../../src/core/db/client.ts';
import { createUser } from '../../src/modules/auth/index.ts';
import {
  phishingLinkKey,
  phishingRecipients,
  phishingSmtpMailer,
  sendPhishingMails,
} from '../../src/modules/phishing/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { freePort, startSmtpServer } from '../support/smtp.ts';
import {
  ensureWebBuilt,
  type Harness,
  haveChromium,
  noSidewaysScroll,
  PASSWORD,
  SCREENSHOTS,
  screenshot,
  signIn,
  VIEWPORT,
} from './support.ts';

const PHONE = { width: 390, height: 844 };
const TYPED_USER = 'nguyen.van.an';
const TYPED_SECRET = 'MatKhau-That-9zQ';

const smtp = haveChromium ? await startSmtpServer() : null;

describe.skipIf(!haveChromium || !smtp)('phishing exercise in the browser', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let h: Harness;
  let publicUrl: string;
  const secretKey = randomBytes(32);

  beforeAll(async () => {
    await ensureWebBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    database = await openDatabase({});
    await database.migrate();
    for (const [username, displayName, role] of [
      ['quantri', 'Quản trị', 'admin'],
      ['soan', 'Chuyên viên soạn', 'department'],
      ['duyet', 'Lãnh đạo phòng', 'department'],
    ] as const)
      await createUser(database.db, null, { username, displayName, role, password: PASSWORD });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    app = await buildApp({
      database,
      config: loadConfig(
        { LOG_LEVEL: 'silent' },
        { secretKey, publicUrl, smtp: { url: smtp?.url as string, from: 'khien@example.gov.vn' } },
      ),
    });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const pageErrors: string[] = [];
    h = {
      database,
      app,
      browser,
      base: publicUrl,
      pageErrors,
      async newPage(options = {}) {
        const context = await browser.newContext({ viewport: VIEWPORT, ...options });
        const page = await context.newPage();
        page.on('pageerror', (e) => pageErrors.push(e.message));
        return { context, page };
      },
      close: async () => {},
    };
    // Two departments under the province and their officials in the register (through the staff API).
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'quantri', password: PASSWORD },
    });
    const cookies = { khien_sid: login.cookies.find((c) => c.name === 'khien_sid')?.value ?? '' };
    const headers = { 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    const call = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url, cookies, headers, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string };
    };
    const province = await call('/api/organisations', { code: 'T', name: 'UBND tỉnh', type: 'province' });
    const so = await call('/api/organisations', {
      code: 'STC',
      name: 'Sở Tài chính',
      type: 'department',
      parentId: province.id,
    });
    const yte = await call('/api/organisations', {
      code: 'SYT',
      name: 'Sở Y tế',
      type: 'department',
      parentId: province.id,
    });
    for (const [organisationId, fullName, email] of [
      [so.id, 'Nguyễn Văn An', 'an@stc.example'],
      [so.id, 'Trần Thị Bình', 'binh@stc.example'],
      [yte.id, 'Lê Văn Cường', 'cuong@syt.example'],
    ] as const)
      await call('/api/staff', {
        organisationId,
        fullName,
        email,
        position: 'Chuyên viên',
        duty: 'information_security',
        phone: '0912000000',
        validFrom: '2024-01-01',
      });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    await smtp?.stop();
  });

  it('drafts, approves (another user), sends, and records a submit without what was typed', async () => {
    // The author drafts the exercise for the whole province.
    const author = await signIn(h, 'soan');
    await author.goto(`${publicUrl}/phishing`);
    await author.getByTestId('phishing-new').click();
    await author.getByTestId('phishing-title').fill('Diễn tập phishing quý IV');
    await author.getByTestId('phishing-senderAddress').fill('hotro@mail-congvu.example');
    await author.getByTestId('phishing-organisations').selectOption({ label: 'UBND tỉnh' });
    await screenshot(author, 'phishing-new');
    await author.getByTestId('phishing-save').click();
    await author.getByTestId('phishing-own-draft').waitFor();
    expect(await author.getByTestId('phishing-approve').count()).toBe(0);
    expect(await author.getByTestId('phishing-recipient-row').count()).toBe(3);
    const viewUrl = author.url();

    // Another approver approves; the author launches.
    const approver = await signIn(h, 'duyet');
    await approver.goto(viewUrl);
    await approver.getByTestId('phishing-approve').click();
    await approver.getByTestId('phishing-launch').waitFor();
    await approver.getByTestId('phishing-launch').click();
    await approver.getByText('Đang gửi').first().waitFor();

    // Sent through the SMTP server (the server's timer may take a share too: rows are claimed, never sent twice).
    const mailer = phishingSmtpMailer(smtp?.url as string);
    await sendPhishingMails(database.db, { mailer, publicUrl, key: phishingLinkKey({ secretKey, dataDir: '' }) });
    mailer.close();
    const mails: { rcptTo: string; text: string }[] = [];
    for (let i = 0; i < 100 && mails.length < 3; i++) {
      mails.push(...(smtp?.take() ?? []));
      if (mails.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect(mails.map((m) => m.rcptTo).sort()).toEqual(['an@stc.example', 'binh@stc.example', 'cuong@syt.example']);
    const mail = mails.find((m) => m.rcptTo === 'an@stc.example');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/xac-thuc\/\S+)/.exec(mail?.text ?? '')?.[1];
    expect(link).toBeTruthy();

    // The recipient, with no session, follows the link on a phone and types into the bait.
    const { page: victim } = await h.newPage({ locale: 'vi-VN' });
    await victim.setViewportSize(PHONE);
    const posted: string[] = [];
    victim.on('request', (r) => {
      if (r.method() === 'POST') posted.push(r.postData() ?? '');
    });
    await victim.goto(link as string);
    await victim.getByLabel('Tài khoản').fill(TYPED_USER);
    await victim.getByLabel('Mật khẩu').fill(TYPED_SECRET);
    await screenshot(victim, 'phishing-landing-390');
    await noSidewaysScroll(victim, 'landing');
    await victim.getByRole('button', { name: 'Đăng nhập' }).click();
    await victim.getByRole('heading', { name: 'Đây là bài diễn tập chống lừa đảo' }).waitFor();
    await screenshot(victim, 'phishing-lesson-390');
    await noSidewaysScroll(victim, 'lesson');
    // The browser sent nothing of what was typed (the inputs have no name).
    expect(posted.join('')).not.toContain(TYPED_SECRET);

    const [row] = await queryRows<{ submitted: boolean; clicked: boolean }>(
      database.db,
      sql`select submitted_at is not null as submitted, clicked_at is not null as clicked
          from ${phishingRecipients} where email = 'an@stc.example'`,
    );
    expect(row).toEqual({ submitted: true, clicked: true });
    const tables = await queryRows<{ name: string }>(
      database.db,
      sql`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    for (const t of tables) {
      const rows = await queryRows<{ row: string }>(
        database.db,
        sql`select x::text as row from ${sql.identifier(t.name)} x`,
      );
      for (const r of rows) {
        expect(r.row, t.name).not.toContain(TYPED_SECRET);
        expect(r.row, t.name).not.toContain(TYPED_USER);
      }
    }

    // The results: desktop and phone, nothing wider than the window.
    await author.reload();
    await author.getByTestId('phishing-total-submitted').waitFor();
    expect(await author.getByTestId('phishing-total-submitted').textContent()).toContain('1');
    await screenshot(author, 'phishing-view');
    await noSidewaysScroll(author, 'view desktop');
    await author.goto(`${publicUrl}/phishing`);
    await author.getByTestId('phishing-org-row').first().waitFor();
    await screenshot(author, 'phishing-list');
    await noSidewaysScroll(author, 'list desktop');
    await author.setViewportSize(PHONE);
    await screenshot(author, 'phishing-list-390');
    await noSidewaysScroll(author, 'list 390');
    await author.goto(viewUrl);
    await author.getByTestId('phishing-recipients').waitFor();
    await screenshot(author, 'phishing-view-390');
    await noSidewaysScroll(author, 'view 390');
    expect(h.pageErrors).toEqual([]);
  });
});
