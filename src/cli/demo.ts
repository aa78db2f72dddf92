// `khien demo`: loads the demo province (never against a production database).
import type { Command } from 'commander';
import { DEMO_DESCRIPTION, loadDemo } from '../../demo/load-demo.ts';
import { organisations } from '../modules/organisations/index.ts';
import { CLI_ACTOR, fail, withDatabase } from './context.ts';

export function registerDemoCommand(demo: Command) {
  demo
    .description(`${DEMO_DESCRIPTION} Never run this against a production database.`)
    .option('--yes', 'load even though the database already holds organisations')
    .action((o: { yes?: boolean }) =>
      withDatabase(async ({ db, kind }) => {
        const [existing] = await db.select({ id: organisations.id }).from(organisations).limit(1);
        if (existing && !o.yes)
          fail('the database already holds organisations; add --yes to load the demo data anyway');
        const r = await loadDemo(db, CLI_ACTOR);
        const orgs = r.organisations;
        console.log(
          `Dữ liệu mẫu (${kind}): cây tổ chức 2024 thêm ${orgs.created}, cập nhật ${orgs.updated}, không đổi ${orgs.unchanged}, lỗi ${orgs.errors}`,
        );
        for (const x of r.reorganisations)
          console.log(
            `Sắp xếp đơn vị / reorganisation ${x.effective}: ${x.alreadyApplied ? 'đã có / already applied' : 'đã áp dụng / applied'}`,
          );
        console.log(
          `Báo cáo quét / scan reports: ${r.findings.scanReports}; nhật ký mạng / network logs: ${r.findings.logFiles}`,
        );
        console.log(
          `Quét trang web / web scans, thêm / added: ${r.web.reports} báo cáo ZAP, Nuclei / reports, ` +
            `${r.web.websites} trang web / websites, ${r.web.findings} lỗ hổng / findings`,
        );
        const added = r.response;
        console.log(
          `Ứng cứu sự cố / incident response, thêm / added: ${added.members} thành viên đội / team members, ` +
            `${added.shifts} ca trực / on-call shifts, ${added.incidents} sự cố / incidents, ${added.advisories} cảnh báo / advisories`,
        );
        const p = r.programme;
        console.log(
          `Chương trình / programme, thêm / added: ${p.warnings} cảnh báo cho người dân / residents' warnings, ` +
            `${p.awarenessActivities} hoạt động tuyên truyền / awareness activities, ${p.siteChecks} lượt kiểm tra trang web / site checks, ` +
            `${p.phishing} đợt diễn tập thư giả mạo / phishing exercises, ${p.orderTasks} nhiệm vụ chỉ đạo / order tasks`,
        );
        console.log('Tài khoản mẫu / demo accounts (passwords shown once):');
        for (const a of r.accounts)
          console.log(`  ${a.username.padEnd(20)} ${a.role.padEnd(11)} ${a.password ?? '(đã có / exists)'}`);
      }),
    );
}
