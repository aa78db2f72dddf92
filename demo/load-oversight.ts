// The provincial order's tasks as demo data (the leaders' dashboard): công văn 1949/UBND-VX of 07/06/2024, its tasks
// numbered in the order they appear in the text (the letter does not number them), each with the indicator Khiên
// counts it by, or `manual` where the product cannot count it (the Department records progress by hand). Loading
// twice changes nothing.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.ts';
import type { Actor } from '../src/modules/auth/index.ts';
import { organisationByCodeOn } from '../src/modules/organisations/index.ts';
import { addProgress, type OrderTaskInput, orderTasks, saveTask } from '../src/modules/oversight/index.ts';

const ORDER = '1949/UBND-VX ngày 07/06/2024';
const BASIS = 'Công văn số 1949/UBND-VX ngày 07/06/2024 của UBND tỉnh';
const FROM = '2024-06-07';

type DemoTask = Omit<OrderTaskInput, 'orderRef' | 'validFrom' | 'legalBasis'> & {
  /** Progress counted by hand: day, value, optional unit code (on that day's tree) and note. */
  progress?: { day: string; value: number; code?: string; note?: string }[];
};

const TASKS: DemoTask[] = [
  {
    number: '1',
    titleVi: 'Giám sát an toàn thông tin tập trung (SOC): xử lý, phân loại 100% cảnh báo phát hiện',
    titleEn: 'Central security monitoring (SOC): triage 100% of what it detects',
    indicator: 'soc_findings_triaged',
    unit: 'percent',
    target: 100,
  },
  {
    number: '2',
    titleVi: 'Khắc phục lỗ hổng nghiêm trọng trên máy tính của các cơ quan, đơn vị, địa phương',
    titleEn: 'Remediate the critical vulnerabilities of the agencies’ computers',
    indicator: 'computers_with_critical',
    unit: 'count',
    target: 0,
    comparison: 'at_most',
    deadline: '2024-12-31',
  },
  {
    number: '3',
    titleVi: '100% hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ chậm nhất trong tháng 8/2024',
    titleEn: '100% of information systems have their level approved by August 2024',
    indicator: 'dossiers_approved',
    unit: 'percent',
    target: 100,
    deadline: '2024-08-31',
  },
  {
    number: '4',
    titleVi: '100% hệ thống thông tin triển khai đầy đủ phương án bảo đảm an toàn theo cấp độ, chậm nhất tháng 12/2024',
    titleEn: '100% of information systems implement their approved security plan by December 2024',
    indicator: 'plans_implemented',
    unit: 'percent',
    target: 100,
    deadline: '2024-12-31',
  },
  {
    number: '5',
    titleVi: 'Người đứng đầu cơ quan, tổ chức trực tiếp chỉ đạo, chịu trách nhiệm bảo đảm an toàn hệ thống thông tin',
    titleEn: 'The head of each body directs and is accountable for its systems’ security',
    indicator: 'accountable_heads',
    unit: 'percent',
    target: 100,
  },
  {
    number: '6',
    titleVi: 'Sử dụng thường xuyên nền tảng hỗ trợ quản lý an toàn hệ thống thông tin theo cấp độ (capdo.ais.gov.vn)',
    titleEn: 'Use the national platform for security by level (capdo.ais.gov.vn) regularly',
    indicator: 'manual',
    unit: 'percent',
    target: 100,
    progress: [
      { day: '2024-06-30', value: 45, note: 'Số cơ quan đã cập nhật hồ sơ trên nền tảng / tổng số cơ quan' },
      { day: '2024-12-31', value: 88, note: 'Số cơ quan đã cập nhật hồ sơ trên nền tảng / tổng số cơ quan' },
    ],
  },
  {
    number: '7',
    titleVi: 'Duy trì và nâng cao hiệu quả bảo đảm an toàn thông tin theo mô hình “4 lớp”',
    titleEn: 'Maintain the four-layer protection model',
    indicator: 'four_layers',
    unit: 'percent',
    target: 100,
  },
  {
    number: '8',
    titleVi: 'Tuyên truyền phòng chống lừa đảo trực tuyến đến 100% người dân trên địa bàn',
    titleEn: 'Reach 100% of residents with anti-fraud awareness',
    indicator: 'residents_reached',
    unit: 'percent',
    target: 100,
  },
  {
    number: '9',
    titleVi: 'Cơ quan Đảng, HĐND và cơ quan ngành dọc Trung ương thực hiện nhiệm vụ bảo đảm an toàn thông tin mạng',
    titleEn: 'Party, council and central bodies carry out their security tasks',
    indicator: 'manual',
    unit: 'percent',
    target: 100,
    progress: [{ day: '2024-12-31', value: 75, note: '6/8 cơ quan đã báo cáo kết quả thực hiện' }],
  },
  {
    number: '10',
    titleVi: 'Chương trình hiện diện trực tuyến tin cậy, an toàn với tên miền quốc gia “.vn”',
    titleEn: 'The trusted online presence programme on the national .vn domain',
    indicator: 'sites_trusted',
    unit: 'percent',
    target: 100,
    deadline: '2024-12-31',
  },
  {
    number: '11',
    titleVi: 'Sở TT&TT chủ trì ban hành hướng dẫn chi tiết triển khai các nhiệm vụ',
    titleEn: 'The Department issues detailed guidance for the tasks',
    indicator: 'manual',
    unit: 'count',
    target: 1,
    deadline: '2024-07-31',
    progress: [{ day: '2024-07-15', value: 1, note: 'Văn bản hướng dẫn của Sở TT&TT (dữ liệu mẫu)' }],
  },
  {
    number: '12',
    titleVi: 'Hướng dẫn, áp dụng các nền tảng quản lý, giám sát, đo lường bảo đảm an toàn thông tin mạng',
    titleEn: 'Apply the national platforms for managing, monitoring and measuring security',
    indicator: 'manual',
    unit: 'percent',
    target: 100,
    deadline: '2024-12-31',
  },
  {
    number: '13',
    titleVi: 'Thường xuyên kiểm tra, đánh giá việc tuân thủ quy định pháp luật về an toàn thông tin',
    titleEn: 'Inspect compliance with information-security law regularly',
    indicator: 'inspections_done',
    unit: 'percent',
    target: 100,
    deadline: '2024-12-31',
  },
  {
    number: '14',
    titleVi: 'Tiếp nhận cảnh báo của Cục An toàn thông tin và triển khai kịp thời tới cơ quan, người sử dụng',
    titleEn: 'Pass the national authority’s advisories on in time',
    indicator: 'advisories_acknowledged',
    unit: 'percent',
    target: 100,
  },
  {
    number: '15',
    titleVi: 'Tổ chức các chương trình, chiến dịch hưởng ứng tuyên truyền nâng cao nhận thức an toàn thông tin',
    titleEn: 'Run the national awareness campaigns',
    indicator: 'manual',
    unit: 'count',
    target: 2,
    progress: [{ day: '2024-10-31', value: 1, note: 'Chiến dịch tháng 10/2024' }],
  },
  {
    number: '16',
    titleVi: 'Diễn tập thực chiến cho 100% cán bộ phụ trách chuyển đổi số, an toàn thông tin cấp tỉnh, huyện, xã',
    titleEn: 'Real-world drills for 100% of officials in charge of digital transformation and security',
    indicator: 'staff_drilled',
    unit: 'percent',
    target: 100,
  },
  {
    number: '17',
    titleVi: 'Diễn tập cho thành viên Đội ứng cứu sự cố an toàn thông tin mạng của tỉnh',
    titleEn: 'Drills for the members of the province’s incident response team',
    indicator: 'team_member_drills',
    unit: 'percent',
    target: 100,
  },
];

/** A task the Department adds itself (targets as data): incidents notified within the statutory time. */
const OWN: OrderTaskInput = {
  orderRef: 'Nhiệm vụ bổ sung của Sở TT&TT năm 2024',
  number: '1',
  titleVi: 'Thông báo sự cố an toàn thông tin mạng đúng thời hạn quy định',
  titleEn: 'Incidents notified within the statutory time',
  indicator: 'incidents_reported',
  unit: 'percent',
  target: 100,
  validFrom: '2024-01-01',
  legalBasis: 'QĐ 05/2017/QĐ-TTg',
};

/** Loads the order's tasks and their hand-counted progress; returns how many tasks it added (0 when loaded before). */
export async function loadOversightDemo(db: Db, actor: Actor): Promise<number> {
  let added = 0;
  const all: (OrderTaskInput & { progress?: DemoTask['progress'] })[] = [
    ...TASKS.map((t) => ({ ...t, orderRef: ORDER, validFrom: FROM, legalBasis: BASIS })),
    OWN,
  ];
  for (const { progress = [], ...task } of all) {
    const [known] = await db
      .select({ id: orderTasks.id })
      .from(orderTasks)
      .where(and(eq(orderTasks.orderRef, task.orderRef), eq(orderTasks.number, task.number)));
    if (known) continue;
    const saved = await saveTask(db, actor, null, task);
    added++;
    for (const p of progress) {
      const org = p.code ? await organisationByCodeOn(db, p.code, p.day) : null;
      await addProgress(db, actor, saved.id, {
        day: p.day,
        value: p.value,
        organisationId: org?.id ?? null,
        note: p.note ?? null,
      });
    }
  }
  return added;
}
