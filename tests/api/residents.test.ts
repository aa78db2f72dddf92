import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { provinceDay } from '../../src/core/time.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { scamReports } from '../../src/modules/residents/residents.schema.ts';
import { FORM_MAX_AGE_MS, formToken, formTokenKey } from '../../src/modules/residents/residents.service.ts';
import { siteChecks, sites } from '../../src/modules/sites/sites.schema.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, TEST_SECRET_KEY } from '../support/db.ts';

const WARNING = {
  title: 'Giả danh công an gọi điện yêu cầu cài ứng dụng',
  summary: 'Đối tượng xưng là công an phường, yêu cầu cài ứng dụng lạ để "cập nhật định danh điện tử".',
  body: 'Công an không gọi điện yêu cầu cài ứng dụng.\n\nHãy cúp máy và báo cho công an nơi cư trú.',
  category: 'impersonation',
};
const KEY = formTokenKey(TEST_SECRET_KEY);
/** A token served ten seconds ago: old enough for a person to have typed, young enough to be accepted. */
const typedToken = () => formToken(KEY, Date.now() - 10_000);
const REPORT = {
  category: 'fake_website',
  description: 'Tôi nhận tin nhắn có đường link tới trang giống Cổng dịch vụ công, yêu cầu nhập mã OTP.',
  suspect: 'dichvucong-gov.top',
  reporterName: 'Nguyễn Thị Hoa',
  reporterContact: '0912 000 111',
};

describe.each(TEST_DATABASES)('residents on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let dept: Client;
  let admin: Client;
  let agency: Client;
  let viewer: Client;
  let orgId: string;
  let address = 0;
  /** Each request group from its own client address, so the per-address limits only bite where a test wants. */
  const nextAddress = () => `198.51.100.${++address}`;

  const get = (url: string, headers: Record<string, string> = {}, remoteAddress = nextAddress()) =>
    t.app.inject({ method: 'GET', url, headers, remoteAddress });
  const submit = (fields: Record<string, string>, remoteAddress = nextAddress()) =>
    t.app.inject({
      method: 'POST',
      url: '/nguoi-dan/phan-anh',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const reports = async () => (await database.db.select().from(scamReports)).length;
  const queue = async (query = '') => {
    const res = await dept.request('GET', `/api/residents/reports${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      items: { id: string; code: string; state: string; duplicates: number; description: string }[];
      total: number;
      counts: Record<string, number>;
    };
  };
  const noScript = (res: LightMyRequestResponse) => {
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).not.toMatch(/<script|\son[a-z]+=/i);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('admin1', 'admin');
    const org = await admin.request('POST', '/api/organisations', {
      code: 'UBND',
      name: 'Văn phòng UBND tỉnh',
      type: 'department',
      ipRanges: [],
    });
    orgId = org.json().id;
    dept = await t.userWithRole('dept1', 'department');
    agency = await t.userWithRole('agency1', 'agency', orgId);
    viewer = await t.userWithRole('viewer1', 'viewer');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('publishes a warning only from publication to withdrawal, with audit', async () => {
    const created = await dept.request('POST', '/api/residents/warnings', WARNING);
    expect(created.statusCode, created.body).toBe(201);
    const w = created.json() as { id: string; state: string; publishedOn: string | null };
    expect(w).toMatchObject({ state: 'draft', publishedOn: null });
    // A draft is not public.
    expect((await get('/nguoi-dan')).body).not.toContain(WARNING.title);
    expect((await get(`/nguoi-dan/canh-bao/${w.id}`)).statusCode).toBe(404);

    const published = await dept.request('POST', `/api/residents/warnings/${w.id}/transitions`, { to: 'published' });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ state: 'published', publishedOn: provinceDay() });
    const home = await get('/nguoi-dan');
    expect(home.statusCode).toBe(200);
    noScript(home);
    expect(home.body).toContain(WARNING.title);
    expect(home.body).toContain(`href="/nguoi-dan/canh-bao/${w.id}"`);
    const page = await get(`/nguoi-dan/canh-bao/${w.id}`);
    expect(page.statusCode).toBe(200);
    noScript(page);
    // Plain text becomes escaped paragraphs.
    expect(page.body).toContain('<p>Công an không gọi điện yêu cầu cài ứng dụng.</p>');
    expect(page.body).toContain('&quot;cập nhật định danh điện tử&quot;');
    const json = await get('/api/public/residents');
    expect(json.statusCode).toBe(200);
    expect(json.json().warnings).toMatchObject([{ id: w.id, title: WARNING.title, publishedOn: provinceDay() }]);

    // published → draft is not a move; withdrawn → changed is refused until it goes back to draft.
    const back = await dept.request('POST', `/api/residents/warnings/${w.id}/transitions`, { to: 'draft' });
    expect(back.statusCode).toBe(409);
    expect(
      (await dept.request('POST', `/api/residents/warnings/${w.id}/transitions`, { to: 'withdrawn' })).statusCode,
    ).toBe(200);
    expect((await get(`/nguoi-dan/canh-bao/${w.id}`)).statusCode).toBe(404);
    expect((await get('/nguoi-dan')).body).not.toContain(WARNING.title);
    expect((await dept.request('PUT', `/api/residents/warnings/${w.id}`, WARNING)).statusCode).toBe(409);
    expect(
      (await dept.request('POST', `/api/residents/warnings/${w.id}/transitions`, { to: 'draft' })).statusCode,
    ).toBe(200);
    const edited = await dept.request('PUT', `/api/residents/warnings/${w.id}`, { ...WARNING, title: 'Đã sửa' });
    expect(edited.json()).toMatchObject({ title: 'Đã sửa', state: 'draft' });

    const actions = (
      await database.db.select().from(auditLog).where(eq(auditLog.entityId, w.id)).orderBy(auditLog.seq)
    ).map((a) => a.action);
    expect(actions).toEqual([
      'resident_warning.create',
      'resident_warning.published',
      'resident_warning.withdrawn',
      'resident_warning.draft',
      'resident_warning.update',
    ]);
    const list = await dept.request('GET', '/api/residents/warnings?state=draft&q=DA SUA');
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: w.id }] });
  });

  it('refuses other roles, unknown ids and bad input', async () => {
    for (const c of [agency, viewer]) {
      expect((await c.request('GET', '/api/residents/reports')).statusCode).toBe(403);
      expect((await c.request('POST', '/api/residents/warnings', WARNING)).statusCode).toBe(403);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await dept.request('PUT', `/api/residents/warnings/${unknown}`, WARNING)).statusCode).toBe(404);
    expect((await dept.request('POST', `/api/residents/reports/${unknown}/triage`, { to: 'closed' })).statusCode).toBe(
      404,
    );
    expect((await dept.request('POST', '/api/residents/warnings', { ...WARNING, category: 'x' })).statusCode).toBe(400);
    expect((await dept.request('POST', '/api/residents/warnings', { ...WARNING, title: 'a\u0000b' })).statusCode).toBe(
      400,
    );
    expect((await get('/nguoi-dan/canh-bao/not-a-uuid')).statusCode).toBe(404);
  });

  it('shows published guidance in order, hides the rest, and audits changes', async () => {
    const second = await dept.request('POST', '/api/residents/guidance', {
      title: 'Không chuyển tiền cho người lạ',
      body: 'Cơ quan nhà nước không yêu cầu chuyển tiền qua điện thoại.',
      position: 20,
    });
    const first = await dept.request('POST', '/api/residents/guidance', {
      title: 'Không cung cấp mã OTP',
      body: 'Mã OTP chỉ dành cho bạn.',
      position: 10,
    });
    const hidden = await dept.request('POST', '/api/residents/guidance', {
      title: 'Bản nháp hướng dẫn',
      body: 'Chưa hiện.',
      published: false,
    });
    expect([first.statusCode, second.statusCode, hidden.statusCode]).toEqual([201, 201, 201]);
    const home = (await get('/nguoi-dan')).body;
    expect(home.indexOf('Không cung cấp mã OTP')).toBeGreaterThan(0);
    expect(home.indexOf('Không cung cấp mã OTP')).toBeLessThan(home.indexOf('Không chuyển tiền cho người lạ'));
    expect(home).not.toContain('Bản nháp hướng dẫn');
    const id = second.json().id as string;
    const changed = await dept.request('PUT', `/api/residents/guidance/${id}`, {
      title: 'Không chuyển tiền cho người lạ',
      body: 'Sửa.',
      published: false,
    });
    expect(changed.json()).toMatchObject({ published: false, position: 100 });
    expect((await dept.request('DELETE', `/api/residents/guidance/${id}`)).statusCode).toBe(200);
    expect((await dept.request('DELETE', `/api/residents/guidance/${id}`)).statusCode).toBe(404);
    expect((await dept.request('GET', '/api/residents/guidance')).json().items).toHaveLength(2);
    const actions = (
      await database.db.select().from(auditLog).where(eq(auditLog.entityId, id)).orderBy(auditLog.seq)
    ).map((a) => a.action);
    expect(actions).toEqual(['resident_guidance.create', 'resident_guidance.update', 'resident_guidance.delete']);
  });

  it('is cacheable: ETag and Cache-Control, 304 for the same version, a new ETag after a change', async () => {
    const first = await get('/nguoi-dan');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const again = await get('/nguoi-dan', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const css = await get('/nguoi-dan/style.css');
    expect(css.headers['cache-control']).toContain('immutable');
    expect(first.body).toContain('/nguoi-dan/style.css?v=');
    // The form carries a time token: never cached.
    expect((await get('/nguoi-dan/phan-anh')).headers['cache-control']).toBe('no-store');
    const w = await dept.request('POST', '/api/residents/warnings', {
      ...WARNING,
      title: 'Lừa đảo việc nhẹ lương cao',
    });
    await dept.request('POST', `/api/residents/warnings/${w.json().id}/transitions`, { to: 'published' });
    const changed = await get('/nguoi-dan', { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('answers "is this site official?" from the register, else how to report', async () => {
    const [site] = await database.db
      .insert(sites)
      .values({
        organisationId: orgId,
        host: 'ubnd.example.gov.vn',
        url: 'https://ubnd.example.gov.vn/',
        stateBody: true,
      })
      .returning();
    const checkedAt = new Date('2026-01-05T01:30:00Z');
    await database.db.insert(siteChecks).values({
      siteId: site?.id as string,
      checkedAt,
      verdict: 'warn',
      trigger: 'scheduled',
      results: [
        { check: 'https_reachable', verdict: 'pass', detail: 'HTTP 200' },
        { check: 'tls_expiry', verdict: 'warn', detail: '20 days left' },
      ],
    });
    // Whatever the resident pastes: scheme, path, upper case, a www. twin.
    const found = await get(
      `/nguoi-dan/kiem-tra?host=${encodeURIComponent('HTTPS://www.UBND.example.gov.vn/lien-he')}`,
    );
    expect(found.statusCode).toBe(200);
    noScript(found);
    expect(found.body).toContain('data-result="registered"');
    expect(found.body).toContain('Đây là trang web chính thức của Văn phòng UBND tỉnh.');
    expect(found.body).toContain('08:30 05/01/2026');
    expect(found.body).toMatch(/Truy cập được qua HTTPS<\/th><td class="v-ok">Đạt/);
    expect(found.body).toMatch(/Chứng thư số còn hạn<\/th><td class="v-warn">Cần chú ý/);
    expect(found.headers['cache-control']).toBe('public, max-age=60');

    const unknown = await get('/nguoi-dan/kiem-tra?host=ubnd-example.gov.vn.top');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('data-result="not-registered"');
    expect(unknown.body).toContain('href="/nguoi-dan/phan-anh?nghi-van=ubnd-example.gov.vn.top"');
    const form = await get('/nguoi-dan/phan-anh?nghi-van=ubnd-example.gov.vn.top');
    expect(form.body).toContain(
      'name="suspect" type="text" maxlength="500" autocomplete="off" value="ubnd-example.gov.vn.top"',
    );

    const bad = await get(`/nguoi-dan/kiem-tra?host=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(bad.statusCode).toBe(400);
    noScript(bad);
    expect(bad.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await get('/nguoi-dan/kiem-tra')).statusCode).toBe(303);

    // One address looking up the register again and again is held off.
    const from = nextAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await get('/nguoi-dan/kiem-tra?host=a.example.vn', {}, from)).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await get('/nguoi-dan/kiem-tra?host=a.example.vn', {}, from)).body).toContain('Hãy thử lại sau ít phút');
  });

  it('files a resident’s report in the queue, once, with a code', async () => {
    const before = await reports();
    const sent = await submit({ ...REPORT, t: typedToken(), website: '' });
    expect(sent.statusCode, sent.body).toBe(303);
    const year = provinceDay().slice(0, 4);
    expect(sent.headers.location).toBe(`/nguoi-dan/phan-anh/da-gui?ma=PA-${year}-0001`);
    const thanks = await get(sent.headers.location as string);
    expect(thanks.body).toContain(`mã PA-${year}-0001`);
    noScript(thanks);
    // The same report again (a refresh, a double click, other spacing or case) counts on the first one.
    const again = await submit({ ...REPORT, description: `  ${REPORT.description.toUpperCase()} `, t: typedToken() });
    expect(again.headers.location).toBe(`/nguoi-dan/phan-anh/da-gui?ma=PA-${year}-0001`);
    expect(await reports()).toBe(before + 1);
    const q = await queue('?state=new');
    expect(q.items).toMatchObject([{ code: `PA-${year}-0001`, state: 'new', duplicates: 1, ...REPORT }]);
    expect(q.counts.new).toBe(1);
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, q.items[0]?.id as string))
      .orderBy(auditLog.seq);
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ['scam_report.receive', 'public'],
      ['scam_report.duplicate', 'public'],
    ]);
    // The audit notes the arrival, not what the resident wrote.
    expect(JSON.stringify(audit)).not.toContain('OTP');
  });

  it('turns spam away: honeypot, time token, validation, size and rate limits', async () => {
    const before = await reports();
    const distinct = (n: number) => ({ ...REPORT, description: `${REPORT.description} (lần ${n})` });
    // A robot fills the hidden field: thanked, nothing stored.
    const bot = await submit({ ...distinct(1), t: typedToken(), website: 'http://spam.example' });
    expect(bot.statusCode).toBe(303);
    expect(bot.headers.location).toBe('/nguoi-dan/phan-anh/da-gui');
    // Too fast (sent the moment it was served), too old, forged, missing.
    const tooFast = await submit({ ...distinct(2), t: formToken(KEY) });
    expect(tooFast.statusCode).toBe(400);
    expect(tooFast.body).toContain('Phản ánh được gửi quá nhanh');
    // The resident's text is kept for the next try, with a fresh token.
    expect(tooFast.body).toContain(`${REPORT.description} (lần 2)</textarea>`);
    const old = await submit({ ...distinct(3), t: formToken(KEY, Date.now() - FORM_MAX_AGE_MS - 1000) });
    expect(old.statusCode).toBe(400);
    expect(old.body).toContain('Biểu mẫu đã quá hạn');
    const forged = formToken(Buffer.alloc(32, 7), Date.now() - 10_000);
    expect((await submit({ ...distinct(4), t: forged })).statusCode).toBe(400);
    expect((await submit(distinct(5))).statusCode).toBe(400);
    // Field errors name the field, in Vietnamese, on the form.
    const short = await submit({ ...distinct(6), description: 'ngắn quá', category: 'nope', t: typedToken() });
    expect(short.statusCode).toBe(400);
    noScript(short);
    expect(short.body).toContain('id="f-description" name="description"');
    expect(short.body).toMatch(/id="f-description"[^>]*aria-invalid="true"/);
    expect(short.body).toContain('href="#f-category"');
    const nul = await submit({ ...distinct(7), suspect: 'a\u0000b', t: typedToken() });
    expect(nul.statusCode).toBe(400);
    // Over the body limit: 413, as a page.
    const huge = await submit({ ...REPORT, description: 'x'.repeat(20_000), t: typedToken() });
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('Nội dung gửi quá dài');
    expect(await reports()).toBe(before);

    // Five reports from one address; the sixth waits.
    const from = nextAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await submit({ ...distinct(10 + i), t: typedToken() }, from)).statusCode);
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    expect(await reports()).toBe(before + 5);
  });

  it('triages the queue: new → reviewing → forwarded, with audit and refusals', async () => {
    const q = await queue('?q=lần 10');
    expect(q.total).toBe(1);
    const id = q.items[0]?.id as string;
    const reviewing = await dept.request('POST', `/api/residents/reports/${id}/triage`, {
      to: 'reviewing',
      note: 'Xác minh trang giả mạo',
    });
    expect(reviewing.statusCode, reviewing.body).toBe(200);
    expect(reviewing.json()).toMatchObject({
      state: 'reviewing',
      handledByName: 'dept1',
      triageNote: 'Xác minh trang giả mạo',
    });
    const noWhom = await dept.request('POST', `/api/residents/reports/${id}/triage`, { to: 'forwarded' });
    expect(noWhom.statusCode).toBe(400);
    const forwarded = await dept.request('POST', `/api/residents/reports/${id}/triage`, {
      to: 'forwarded',
      forwardedTo: 'Công an tỉnh (Phòng An ninh mạng)',
    });
    expect(forwarded.json()).toMatchObject({ state: 'forwarded', forwardedTo: 'Công an tỉnh (Phòng An ninh mạng)' });
    expect((await dept.request('POST', `/api/residents/reports/${id}/triage`, { to: 'reviewing' })).statusCode).toBe(
      409,
    );
    const actions = (
      await database.db.select().from(auditLog).where(eq(auditLog.entityId, id)).orderBy(auditLog.seq)
    ).map((a) => a.action);
    expect(actions).toEqual(['scam_report.receive', 'scam_report.reviewing', 'scam_report.forwarded']);
    const counts = (await queue()).counts;
    expect(counts).toMatchObject({ forwarded: 1, reviewing: 0 });
    expect((await queue('?state=forwarded')).items.map((r) => r.id)).toEqual([id]);
  });

  it('answers 400, never 500, for a day the database cannot hold', async () => {
    const res = await dept.request('POST', '/api/residents/warnings', { ...WARNING, publishedOn: '0000-01-01' });
    expect(res.statusCode, res.body).toBe(400);
  });

  it('treats any filled honeypot as a robot, whatever its type', async () => {
    const before = await reports();
    for (const website of [['http://spam.example'], { a: 1 }, 1, true])
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/nguoi-dan/phan-anh',
            remoteAddress: nextAddress(),
            payload: {
              ...REPORT,
              description: `${REPORT.description} (máy ${JSON.stringify(website)})`,
              t: typedToken(),
              website,
            },
          })
        ).headers.location,
      ).toBe('/nguoi-dan/phan-anh/da-gui');
    expect(await reports()).toBe(before);
  });

  it('leads an address typed with a trailing slash to the residents’ page, not the staff sign-in', async () => {
    const res = await get('/nguoi-dan/');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/nguoi-dan');
  });

  it('answers a mistyped address under the residents’ page with its own Vietnamese 404, not the staff app', async () => {
    const res = await get('/nguoi-dan/canh-bao-moi/abc');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('/nguoi-dan');
    expect(res.body).not.toContain('id="root"');
  });

  it('names no particular province in its examples', async () => {
    const home = await get('/nguoi-dan');
    const bad = await get('/nguoi-dan/kiem-tra?host=a%20b');
    for (const body of [home.body, bad.body]) expect(body).not.toMatch(/yenbai|yên bái/i);
  });

  it('keeps residents’ reports (names, contacts) out of caches', async () => {
    const res = await dept.request('GET', '/api/residents/reports');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
