import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLogFile, zeekConnLine, zeekHeader } from '../../src/modules/soc/index.ts';
import {
  adminApi,
  atBothWidths,
  createDepartments,
  createUsers,
  DESKTOP,
  type Harness,
  haveChromium,
  seedAdmin,
  signIn as signInAs,
  startHarness,
} from './support.ts';

// 10/05/2024 10:00 in Asia/Ho_Chi_Minh (a Friday): the SOC sees the first failed attempt then.
const T0 = Date.parse('2024-05-10T10:00:00+07:00') / 1000;
const EVIDENCE = Buffer.from('2024-05-10 10:00:01 DENY tcp 10.15.1.77:40000 -> 10.15.2.50:22\n');
const TASK = 'Phân tích mã độc trên máy trạm 10.15.1.77';
/** Three days from today in the province, as the UI types and shows it (dd/mm/yyyy). */
const DUE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
}).format(new Date(Date.now() + 3 * 86_400_000));

/** A host of Sở Tài chính (10.15.1.77) fails to reach SSH on 30 hosts of Sở Y tế: a scanner inside the province. */
function lateralLog() {
  const lines = [zeekHeader('conn', T0).trimEnd()];
  for (let i = 0; i < 30; i++)
    lines.push(
      zeekConnLine(
        {
          ts: T0 + i,
          src: '10.15.1.77',
          srcPort: 40000 + i,
          dst: `10.15.2.${50 + i}`,
          dstPort: 22,
          proto: 'tcp',
          state: 'S0',
          origBytes: 0,
          respBytes: 0,
        },
        `C${i}`,
      ).trimEnd(),
    );
  const path = join(mkdtempSync(join(tmpdir(), 'khien-e2e-incidents-')), 'lateral.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * An incident from the SOC to the response, in Vietnamese: the SOC analyst escalates a scanner inside the province
 * and lands on the new incident; the operating agency (Sở Tài chính) records a step and uploads evidence; the
 * affected agency (Sở Y tế) reads it but cannot change it; the Department's coordinator, told by the bell, reads the
 * statutory clocks and gives a team member (the agency's officer) a task, which the agency's bell then shows.
 * Every page is looked at on a desktop and a phone: dist/screenshots/incidents-*-{1440,390}.png.
 */
describe.skipIf(!haveChromium)('incident response in a browser', () => {
  let h: Harness;
  const org = { A: '', B: '' };
  let incidentUrl = '';
  let code = '';

  const signIn = async (username: string) => {
    const page = await signInAs(h, username);
    await page.setViewportSize(DESKTOP);
    return page;
  };

  /** At 1440 px and at 390 px: nothing scrolls sideways, and a screenshot of each to look at. */
  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    Object.assign(
      org,
      await createDepartments(h, [
        ['A', 'STC', 'Sở Tài chính', '10.15.1.0/24'],
        ['B', 'SYT', 'Sở Y tế', '10.15.2.0/24'],
      ]),
    );
    await createUsers(h, [
      ['soc.tinh', 'Lê Minh Tuấn', 'soc', null],
      ['canbo.stc', 'Trần Thị Lan', 'agency', org.A],
      ['canbo.syt', 'Đặng Văn Quý', 'agency', org.B],
      ['dieuphoi.so', 'Phạm Quốc Huy', 'department', null],
    ]);
    const stored = await ingestLogFile(h.database.db, null, lateralLog(), { fileName: 'lateral.log' });
    expect(stored.scanners).toBe(1);
    // The agency's officer is on the province's response team, with an account to be told of tasks.
    const admin = await adminApi(h);
    const users = (await admin.call('GET', '/api/users?q=canbo.stc')) as { items: { id: string }[] };
    await admin.call(
      'POST',
      '/api/team/members',
      {
        userId: users.items[0]?.id,
        fullName: 'Trần Thị Lan',
        organisationId: org.A,
        teamRole: 'member',
        position: 'Chuyên viên CNTT',
        phone: '0912 345 678',
        email: 'lan.tt@stc.example.vn',
        validFrom: '2024-01-01',
      },
      201,
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the SOC analyst escalates the scanner and lands on the new incident', async () => {
    const page = await signIn('soc.tinh');
    await page.goto(`${h.base}/soc/scanners?from=2024-05-01&to=2024-05-31`);
    await page.getByRole('heading', { name: 'Nguồn rà quét' }).waitFor();
    await page.getByTestId('soc-finding-row').filter({ hasText: '10.15.1.77' }).click();
    const detail = page.getByTestId('soc-detail');
    await detail.getByTestId('triage-escalated').click();
    await detail.getByTestId('triage-note').fill('Máy trạm dò SSH sang Sở Y tế, nghi nhiễm mã độc.');
    await detail.getByTestId('triage-submit').click();

    await page.waitForURL(/\/incidents\/view\?id=/);
    const title = page.getByTestId('incident-title');
    await title.getByText('10.15.1.77', { exact: false }).waitFor();
    incidentUrl = page.url();
    code = (await title.textContent())?.split(' · ')[0] ?? '';
    expect(code).toMatch(/^SC-\d{4}-\d{4}$/);
    expect(await title.textContent()).toBe(`${code} · Rà quét ngang từ địa chỉ 10.15.1.77`);
    const field = (key: string) => page.getByTestId(`incident-field-${key}`).textContent();
    expect(await field('organisationId')).toBe('Sở Tài chính');
    expect(await field('affectedOrganisationIds')).toBe('Sở Y tế');
    expect(await field('detectedAt')).toBe('10/05/2024 10:00:00');
    // What the SOC saw, when (province time, dd/mm/yyyy), and the analyst's note.
    expect(await field('description')).toBe(
      'Chuyển từ cảnh báo SOC (nguồn rà quét) 10.15.1.77; ghi nhận từ 10:00 10/05/2024 đến 10:00 10/05/2024.\n' +
        'Ghi chú của SOC: Máy trạm dò SSH sang Sở Y tế, nghi nhiễm mã độc.',
    );
    expect(await page.getByTestId('incident-source').textContent()).toBe('Chuyển từ cảnh báo SOC · Cảnh báo SOC');
    await atBothWidths(page, 'incidents', 'escalated');
    await page.context().close();
  });

  it('the officer of Sở Tài chính records a response step and uploads evidence', async () => {
    const page = await signIn('canbo.stc');
    await page.getByTestId('nav-incidents').click();
    const row = page.getByTestId('incidents-table').getByRole('row').filter({ hasText: code });
    await row.waitFor();
    expect(await row.textContent()).toContain('Sở Tài chính');
    await atBothWidths(page, 'incidents', 'list');
    // Reporting another: the form starts on the officer's own organisation.
    await page.getByTestId('incident-new').click();
    await page.getByRole('heading', { level: 1, name: 'Báo cáo sự cố an toàn thông tin mạng' }).waitFor();
    await expect.poll(() => page.getByLabel('Đơn vị vận hành hệ thống thông tin').inputValue()).toBe(org.A);
    await atBothWidths(page, 'incidents', 'new');
    await page.goBack();
    await row.getByTestId('incident-link').click();
    await page.getByTestId('step-form').waitFor();
    // Only a coordinator closes an incident.
    await page.getByTestId('incident-to-responding').waitFor();
    expect(await page.getByTestId('incident-to-closed').count()).toBe(0);

    await page.getByTestId('step-select').selectOption({ label: 'Triển khai các bước ưu tiên ứng cứu ban đầu' });
    await page.getByTestId('step-at').fill('10/05/2024 14:30');
    await page.getByTestId('step-note').fill('Cách ly máy trạm 10.15.1.77 khỏi mạng, thu thập nhật ký tường lửa.');
    await page.getByTestId('step-add').click();
    const entry = page.getByTestId('step-first_actions').locator('.timeline-entry');
    await entry.getByText('Cách ly máy trạm', { exact: false }).waitFor();
    expect(await entry.textContent()).toBe(
      '10/05/2024 14:30:00 · Trần Thị Lan: Cách ly máy trạm 10.15.1.77 khỏi mạng, thu thập nhật ký tường lửa.',
    );

    await page.getByTestId('evidence-note').fill('Nhật ký tường lửa ngày 10/05/2024');
    await page.getByTestId('evidence-file').setInputFiles({
      name: 'tuong-lua.log',
      mimeType: 'text/plain',
      buffer: EVIDENCE,
    });
    const item = page.getByTestId('incident-evidence-item').filter({ hasText: 'tuong-lua.log' });
    await item.waitFor();
    const text = await item.textContent();
    expect(text).toContain(`SHA-256 ${createHash('sha256').update(EVIDENCE).digest('hex')}`);
    expect(text).toContain('Trần Thị Lan');
    expect(text).toContain('Nhật ký tường lửa ngày 10/05/2024');
    // Evidence is handed back as bytes to save, never rendered.
    expect(await item.getByRole('link', { name: 'tuong-lua.log' }).getAttribute('download')).toBe('tuong-lua.log');
    await atBothWidths(page, 'incidents', 'agency-response');
    await page.context().close();
  });

  it('the officer of Sở Y tế, affected, reads the incident but cannot change it', async () => {
    const page = await signIn('canbo.syt');
    await page.getByTestId('nav-incidents').click();
    const row = page.getByTestId('incidents-table').getByRole('row').filter({ hasText: code });
    await row.getByText('Đơn vị của bạn bị ảnh hưởng').waitFor();
    await row.getByTestId('incident-link').click();
    await page.getByTestId('incident-report').waitFor();
    await page.getByTestId('step-first_actions').getByText('Cách ly máy trạm', { exact: false }).waitFor();
    expect(await page.getByTestId('step-form').count()).toBe(0);
    expect(await page.getByTestId('task-form').count()).toBe(0);
    expect(await page.getByTestId('evidence-file').count()).toBe(0);
    expect(await page.getByTestId('incident-actions').count()).toBe(0);
    await page.context().close();
  });

  it('the Department’s coordinator, told by the bell, reads the clocks and gives a team member a task', async () => {
    const page = await signIn('dieuphoi.so');
    // The new incident reached the coordinators.
    await page.getByTestId('notification-count').waitFor();
    await page.getByTestId('notification-bell').click();
    await page.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
    const notice = page.getByTestId('notifications').getByRole('listitem').filter({ hasText: code });
    await notice.waitFor();
    expect(await notice.locator('strong').textContent()).toBe(`Sự cố mới: ${code} Rà quét ngang từ địa chỉ 10.15.1.77`);
    expect(await notice.textContent()).toContain('Sự cố thông thường phát hiện lúc 10:00 10/05/2024.');
    await notice.getByRole('button').click();
    await page.waitForURL(incidentUrl);

    // Notification within 5 days of detection (QĐ 05/2017): due by the end of 15/05/2024, long past.
    const clock = page.getByTestId('incident-clock').filter({ hasText: 'Thông báo sự cố' });
    await clock.waitFor();
    expect(await clock.getByTestId('clock-notification').textContent()).toBe('Quá hạn hạn hết ngày 15/05/2024');
    expect(await clock.textContent()).toContain('QĐ 05/2017');

    await page.getByTestId('task-title').fill(TASK);
    const owner = page.getByTestId('task-owner');
    await owner.locator('option', { hasText: 'Trần Thị Lan — Sở Tài chính' }).waitFor({ state: 'attached' });
    await owner.selectOption({ label: 'Trần Thị Lan — Sở Tài chính' });
    await page.getByTestId('task-due').fill(DUE);
    await page.getByTestId('task-add').click();
    const task = page.getByTestId('incident-task').filter({ hasText: TASK });
    await task.waitFor();
    expect(await task.locator('.muted').textContent()).toBe(`Trần Thị Lan · hạn ${DUE}`);
    await atBothWidths(page, 'incidents', 'coordinator');
    await page.context().close();

    // The task's owner is told: the agency's bell counts it, the list names it, and it opens the incident.
    const agency = await signIn('canbo.stc');
    expect(await agency.getByTestId('notification-count').textContent()).toBe('1');
    await agency.getByTestId('notification-bell').click();
    await agency.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
    const mine = agency.getByTestId('notifications').getByRole('listitem').filter({ hasText: TASK });
    await mine.waitFor();
    expect(await mine.locator('strong').textContent()).toBe(`Nhiệm vụ ứng cứu sự cố ${code}: ${TASK}`);
    expect(await mine.textContent()).toContain(`Hạn hoàn thành: ${DUE}.`);
    await atBothWidths(agency, 'incidents', 'notifications');
    await mine.getByRole('button').click();
    await agency.waitForURL(incidentUrl);
    await agency.getByTestId('incident-task').filter({ hasText: TASK }).waitFor();
    // Read now: the bell has nothing left to count.
    await agency.getByTestId('notification-count').waitFor({ state: 'detached' });
    await agency.context().close();
    expect(h.pageErrors).toEqual([]);
  });
});
