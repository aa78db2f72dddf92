import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import {
  createUsers,
  type Harness,
  haveChromium,
  noSidewaysScroll,
  screenshot,
  seedAdmin,
  signIn as signInAs,
  startHarness,
  VIEWPORT,
} from './support.ts';

/** Today in the province as the UI writes it. */
const TODAY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
}).format(new Date());
const PHONE = { width: 390, height: 844 };
const DOSSIER_TARGET = '100% hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ trước 31/08/2024';

/**
 * Figures as of a day, on the demo province (Yên Bái 2024, merged into Lào Cai on 01/07/2025; demo/load-demo.ts):
 * a 2024 dossier names the bodies that appraised and approved it then, with the rule's legal basis; the Overview
 * read on 30/06/2024 shows the 2024 tree and the six-month statement of that day, and read today the merged tree,
 * with the 2024 approvals that came after their deadline counted apart as late.
 */
describe.skipIf(!haveChromium)('Figures as of a day in a browser', () => {
  let h: Harness;
  const signIn = (username: string) => signInAs(h, username);

  beforeAll(async () => {
    h = await startHarness(async (database) => {
      await seedAdmin()(database);
      await loadDemo(database.db, CLI_ACTOR);
    });
    await createUsers(h, [
      ['canbo.attt', 'Hoàng Văn Đức', 'department', null],
      ['lanhdao', 'Lãnh đạo tỉnh', 'viewer', null],
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it("a 2024 dossier names who appraised and approved it then, with the rule's legal basis", async () => {
    const page = await signIn('canbo.attt');
    await page.getByTestId('nav-systems').click();
    await page.getByTestId('systems-search').fill('Trung tâm dữ liệu tỉnh');
    await page.getByTestId('systems-table').getByRole('link', { name: 'Trung tâm dữ liệu tỉnh' }).click();
    await page.getByTestId('tab-dossier').click();
    const authority = page.getByTestId('dossier-authority');
    // Level 3 (NĐ 85 Điều 12 khoản 2): the owner's specialised security unit appraises, the owner approves; both
    // are the bodies that held those roles when the dossier was accepted (05/07/2024), before the 2025 changes.
    expect(await authority.getByTestId('authority-basis').textContent()).toBe('NĐ 85/2016/NĐ-CP, Điều 12 khoản 2');
    expect(await authority.getByTestId('authority-appraiser').getByTestId('party-name').textContent()).toBe(
      'Sở Thông tin và Truyền thông tỉnh Yên Bái',
    );
    expect(await authority.getByTestId('authority-approver').getByTestId('party-name').textContent()).toBe(
      'Ủy ban nhân dân tỉnh Yên Bái',
    );
    await authority
      .getByText('Thẩm quyền và thời hạn xác định theo quy định, cơ quan có thẩm quyền tại ngày 05/07/2024.')
      .waitFor();
    // Every document the rule requires is on file, each with its provision.
    const components = page.getByTestId('dossier-components');
    await components.getByTestId('components-summary').getByText('Đủ thành phần').waitFor();
    await components
      .getByTestId('component-level_justification')
      .getByText('NĐ 85/2016/NĐ-CP, Điều 15 khoản 1 điểm c')
      .waitFor();
    await page.getByTestId('dossier-decision').getByText('Quyết định số 103/QĐ-UBND', { exact: false }).waitFor();
    await noSidewaysScroll(page);
    await screenshot(page, 'time-1-dossier-1366');
    await page.setViewportSize(PHONE);
    await authority.getByTestId('authority-basis').waitFor();
    await screenshot(page, 'time-2-dossier-390');
    await noSidewaysScroll(page);
    expect(h.pageErrors).toEqual([]);
  });

  it('the Overview shows the figures of the day chosen, kept in the URL', async () => {
    const page = await signIn('lanhdao');
    // A leader lands on the board (Điều hành); the Overview is one click away.
    await page.getByRole('heading', { name: 'Điều hành', exact: true }).waitFor();
    await page.getByTestId('nav-dashboard').click();
    const caption = page.getByTestId('as-of-caption');
    const count = page.getByTestId('organisations-count');
    const dossierTarget = page
      .getByTestId('card-systems')
      .getByTestId('card-target')
      .filter({ hasText: DOSSIER_TARGET });

    // Today: the merged province (121 units, 99 communes); of the 60 systems 28 were approved by the deadline and
    // 6 after it, shown apart as late.
    expect(await caption.textContent()).toBe(`Số liệu tại ngày ${TODAY}`);
    await count.getByText('121', { exact: true }).waitFor();
    await dossierTarget.getByTestId('target-counts').getByText('Đúng hạn 28/60 hệ thống').waitFor();
    expect(await dossierTarget.getByTestId('target-percent').textContent()).toBe('46,7%');
    expect(await dossierTarget.getByTestId('target-late').textContent()).toBe(
      'Trễ hạn 6 hệ thống (kể cả trễ hạn: 56,7%)',
    );
    expect(new URL(page.url()).searchParams.get('asOf')).toBeNull();

    // 30/06/2024, the day of the six-month statement: Yên Bái's tree of 209 units, 617 vulnerable computers and 86
    // scanning addresses over January–June, and only 13 dossiers approved so far.
    await page.getByTestId('as-of-input').fill('30/06/2024');
    await caption.getByText('Số liệu tại ngày 30/06/2024').waitFor();
    await count.getByText('209', { exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2024-06-30');
    await page
      .getByTestId('vuln-statement')
      .getByText('Trong kỳ từ 01/01/2024 đến 30/06/2024 phát hiện 617 máy tính có lỗ hổng, trong đó', { exact: false })
      .waitFor();
    await page.getByTestId('soc-statement').getByText('86 địa chỉ IP thực hiện rà quét', { exact: false }).waitFor();
    await page.getByTestId('card-by-type').getByRole('row').filter({ hasText: 'Cấp xã' }).getByText('173').waitFor();
    await dossierTarget.getByTestId('target-counts').getByText('Đúng hạn 13/60 hệ thống').waitFor();
    expect(await dossierTarget.getByTestId('target-late').count()).toBe(0); // the deadline was still ahead
    await noSidewaysScroll(page);
    await screenshot(page, 'time-3-overview-2024-1366');

    // On the deadline itself 28 were approved; the URL carries the day, so a reload shows the same figures.
    await page.getByTestId('as-of-input').fill('31/08/2024');
    await dossierTarget.getByTestId('target-counts').getByText('Đúng hạn 28/60 hệ thống').waitFor();
    await page.reload();
    await caption.getByText('Số liệu tại ngày 31/08/2024').waitFor();
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2024-08-31');
    await count.getByText('209', { exact: true }).waitFor();
    await dossierTarget.getByTestId('target-counts').getByText('Đúng hạn 28/60 hệ thống').waitFor();

    // A day after today is refused; "Hôm nay" brings today's figures back.
    await page.getByTestId('as-of-input').fill('01/01/2099');
    await page.getByTestId('as-of-picker').getByRole('alert').waitFor();
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2024-08-31');
    await page.getByTestId('as-of-today').click();
    await caption.getByText(`Số liệu tại ngày ${TODAY}`).waitFor();
    await count.getByText('121', { exact: true }).waitFor();
    await dossierTarget.getByTestId('target-late').getByText('Trễ hạn 6 hệ thống', { exact: false }).waitFor();
    await page.getByTestId('card-by-type').getByRole('row').filter({ hasText: 'Cấp xã' }).getByText('99').waitFor();
    await noSidewaysScroll(page);
    await screenshot(page, 'time-4-overview-today-1366');

    // The same on a phone: the picker and the cards fit the width.
    await page.getByTestId('as-of-input').fill('30/06/2024');
    await count.getByText('209', { exact: true }).waitFor();
    await page.setViewportSize(PHONE);
    await screenshot(page, 'time-5-overview-2024-390');
    await noSidewaysScroll(page);
    await page.setViewportSize(VIEWPORT);

    // The targets page keeps the day too: the card's link carries it.
    await page.getByTestId('card-systems').getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Chỉ tiêu', exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2024-06-30');
    const card = page.getByTestId('target-card').filter({ hasText: DOSSIER_TARGET });
    await card.getByTestId('target-counts').getByText('Đúng hạn 13/60 hệ thống').waitFor();
    await card.getByTestId('target-open').click();
    await page.getByTestId('target-detail').getByText('Số liệu tại ngày 30/06/2024', { exact: false }).waitFor();
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2024-06-30');
    await screenshot(page, 'time-6-targets-2024-1366');
    expect(h.pageErrors).toEqual([]);
  });

  it('the Department previews a reorganisation file, applies it once, and the tree of a day follows', async () => {
    const page = await signIn('canbo.attt');
    await page.getByTestId('nav-organisations').click();
    // A rename effective today: the commune Khao Mang (code 04465) gets a new name; its history stays under the old.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const csv = [
      'effective,old_code,new_code,new_name,new_type,new_parent_code,legal_basis',
      `${today},04465,04465,Xã Khao Mang (tên mới),commune,15,Nghị quyết thử`,
    ].join('\n');
    const file = { name: 'doi-ten.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
    await page.getByTestId('org-reorganise-file').setInputFiles(file);
    const report = page.getByTestId('org-reorganise-report');
    await report.getByText('Xem trước: chưa có thay đổi nào', { exact: false }).waitFor();
    await screenshot(page, 'time-7-reorganise-preview-1366');
    await page.getByTestId('org-reorganise-apply').click();
    await report.getByTestId('org-reorganise-state').getByText('Đã áp dụng.').waitFor();
    // The tree is folded: the node is there, under its district-less province.
    await page.getByText('Xã Khao Mang (tên mới)').first().waitFor({ state: 'attached' });
    // The same file again changes nothing.
    await page.getByTestId('org-reorganise-file').setInputFiles(file);
    await report.getByText('Tệp này đã được áp dụng trước đó', { exact: false }).waitFor();
    // Yesterday's tree still has the old name.
    await page.getByTestId('as-of-input').fill('30/06/2025');
    await page.getByText('Xã Khao Mang (tên mới)').first().waitFor({ state: 'detached' });
    expect(h.pageErrors).toEqual([]);
  });
});
