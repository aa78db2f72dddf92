/**
 * The demo province's incident response (QĐ 05/2017, TT 20/2017) and one advisory. DEMO DATA, NOT REAL: people,
 * phone numbers (0912 000 1xx), e-mail addresses (example.vn), letter numbers and incidents are invented; the
 * products and CVEs of the advisory are real. Pure data; `load-response.ts` loads it through the services.
 */
import { provinceDay } from '../src/core/time.ts';
import type { AdvisoryInput } from '../src/modules/advisories/index.ts';
import type { IncidentInput, ResponseStep, TeamRole } from '../src/modules/incidents/index.ts';

/** An organisation by its code, resolved on a day (codes are unique per period only). */
export type OrgRef = { code: string; on: string };
const YB = (code: string): OrgRef => ({ code, on: '2024-06-30' });
const LC = (code: string): OrgRef => ({ code, on: '2025-07-01' });

export type DemoMember = {
  fullName: string;
  organisation: OrgRef;
  teamRole: TeamRole;
  position: string;
  expertise: string;
  phone: string;
  email: string;
  validFrom: string;
  validTo: string | null;
  /** The demo account of this member (notices of their tasks and shifts reach it). */
  username?: string;
  /** Loaded with this phone, then changed to `phone`: the 24-hour contact-change clock and its reminder. */
  previousPhone?: string;
};

/**
 * Yên Bái's team (decision of 2022): the Department of Information and Communications led it until its merger into
 * the Department of Science and Technology (01/03/2025); the provincial police then led it until the province merged
 * into Lào Cai (01/07/2025). Loaded with the 2024 history.
 */
export const TEAM_YEN_BAI: DemoMember[] = [
  {
    fullName: 'Nguyễn Văn Hùng',
    organisation: YB('SO-TTTT'),
    teamRole: 'lead',
    position: 'Phó Giám đốc Sở Thông tin và Truyền thông',
    expertise: 'Chỉ đạo, điều phối ứng cứu sự cố',
    phone: '0912 000 101',
    email: 'hung.nv@yenbai.example.vn',
    validFrom: '2022-04-01',
    validTo: '2025-02-28',
  },
  {
    fullName: 'Phạm Thị Thu Hà',
    organisation: YB('SO-TTTT'),
    teamRole: 'deputy',
    position: 'Giám đốc Trung tâm Công nghệ thông tin và Truyền thông',
    expertise: 'Quản trị hạ tầng, Trung tâm dữ liệu tỉnh',
    phone: '0912 000 102',
    email: 'ha.ptt@yenbai.example.vn',
    validFrom: '2022-04-01',
    validTo: '2025-02-28',
  },
  {
    fullName: 'Lê Minh Tuấn',
    organisation: YB('SO-TTTT'),
    teamRole: 'member',
    position: 'Kỹ sư giám sát an toàn thông tin (SOC)',
    expertise: 'Giám sát, phân tích nhật ký, điều tra số',
    phone: '0912 000 103',
    email: 'tuan.lm@yenbai.example.vn',
    validFrom: '2023-06-01',
    validTo: '2025-02-28',
    username: 'demo.soc',
  },
  {
    fullName: 'Trần Quốc Khánh',
    organisation: YB('CA-TINH'),
    teamRole: 'member',
    position: 'Phó Trưởng phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (PA05)',
    expertise: 'Điều tra, xử lý tấn công mạng',
    phone: '0912 000 104',
    email: 'khanh.tq@yenbai.example.vn',
    validFrom: '2022-04-01',
    validTo: '2025-02-28',
  },
  {
    fullName: 'Đỗ Thị Lan Anh',
    organisation: YB('VP-UBND'),
    teamRole: 'member',
    position: 'Chuyên viên phụ trách công nghệ thông tin, Văn phòng UBND tỉnh',
    expertise: 'Quản trị hệ thống quản lý văn bản, thư điện tử',
    phone: '0912 000 105',
    email: 'anh.dtl@yenbai.example.vn',
    validFrom: '2022-04-01',
    validTo: '2025-06-30',
  },
  // 01/03/2025: the police take over information security; the Department's staff move to Science and Technology.
  {
    fullName: 'Trần Quốc Khánh',
    organisation: YB('CA-TINH'),
    teamRole: 'lead',
    position: 'Trưởng phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (PA05)',
    expertise: 'Điều tra, xử lý tấn công mạng',
    phone: '0912 000 104',
    email: 'khanh.tq@yenbai.example.vn',
    validFrom: '2025-03-01',
    validTo: '2025-06-30',
  },
  {
    fullName: 'Phạm Thị Thu Hà',
    organisation: YB('SO-KHCN'),
    teamRole: 'deputy',
    position: 'Phó Giám đốc Sở Khoa học và Công nghệ',
    expertise: 'Quản trị hạ tầng, Trung tâm dữ liệu tỉnh',
    phone: '0912 000 102',
    email: 'ha.ptt@yenbai.example.vn',
    validFrom: '2025-03-01',
    validTo: '2025-06-30',
  },
  {
    fullName: 'Lê Minh Tuấn',
    organisation: YB('SO-KHCN'),
    teamRole: 'member',
    position: 'Kỹ sư giám sát an toàn thông tin (SOC)',
    expertise: 'Giám sát, phân tích nhật ký, điều tra số',
    phone: '0912 000 103',
    email: 'tuan.lm@yenbai.example.vn',
    validFrom: '2025-03-01',
    validTo: '2025-06-30',
    username: 'demo.soc',
  },
];

/** The merged province's team from 01/07/2025, on the units of Lào Cai. */
export const TEAM_LAO_CAI: DemoMember[] = [
  {
    fullName: 'Trần Quốc Khánh',
    organisation: LC('CA-TINH'),
    teamRole: 'lead',
    position: 'Trưởng phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (PA05), Công an tỉnh',
    expertise: 'Điều tra, xử lý tấn công mạng',
    phone: '0912 000 104',
    email: 'khanh.tq@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
  },
  {
    fullName: 'Phạm Thị Thu Hà',
    organisation: LC('SO-KHCN'),
    teamRole: 'deputy',
    position: 'Phó Giám đốc Sở Khoa học và Công nghệ',
    expertise: 'Quản trị hạ tầng, Trung tâm dữ liệu tỉnh',
    phone: '0912 000 102',
    email: 'ha.ptt@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
  },
  {
    fullName: 'Lê Minh Tuấn',
    organisation: LC('SO-KHCN'),
    teamRole: 'member',
    position: 'Kỹ sư giám sát, Trung tâm Giám sát an toàn thông tin tỉnh',
    expertise: 'Giám sát, phân tích nhật ký, điều tra số',
    phone: '0912 000 103',
    email: 'tuan.lm@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
    username: 'demo.soc',
  },
  {
    fullName: 'Đỗ Thị Lan Anh',
    organisation: LC('VP-UBND'),
    teamRole: 'member',
    position: 'Chuyên viên phụ trách công nghệ thông tin, Văn phòng UBND tỉnh',
    expertise: 'Quản trị hệ thống quản lý văn bản, thư điện tử',
    phone: '0912 000 105',
    email: 'anh.dtl@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
  },
  {
    fullName: 'Vũ Đức Mạnh',
    organisation: LC('SO-YTE'),
    teamRole: 'member',
    position: 'Kỹ sư hệ thống, Bệnh viện Đa khoa tỉnh',
    expertise: 'Quản trị máy chủ, sao lưu và khôi phục dữ liệu',
    phone: '0912 000 106',
    email: 'manh.vd@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
  },
  {
    fullName: 'Hà Văn Dũng',
    organisation: LC('BHXH-TINH'),
    teamRole: 'member',
    position: 'Phó Trưởng phòng Công nghệ thông tin, Bảo hiểm xã hội tỉnh',
    expertise: 'An toàn mạng, xử lý mã độc trên máy trạm',
    phone: '0912 000 107',
    email: 'dung.hv@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
  },
  {
    fullName: 'Nguyễn Thị Mai',
    organisation: LC('SO-KHCN'),
    teamRole: 'liaison',
    position: 'Chuyên viên Phòng Quản lý công nghệ thông tin và an toàn thông tin',
    expertise: 'Đầu mối liên lạc với Cơ quan điều phối quốc gia',
    phone: '0912 000 118',
    previousPhone: '0912 000 108',
    email: 'mai.nt@laocai.example.vn',
    validFrom: '2025-07-01',
    validTo: null,
    username: 'demo.department',
  },
];

/** Who takes the weekly 24/7 shift (Monday 08:00 to Monday 08:00), in turn by the week's number. */
export const ROTA = ['Lê Minh Tuấn', 'Vũ Đức Mạnh', 'Trần Quốc Khánh', 'Hà Văn Dũng', 'Đỗ Thị Lan Anh'];

/** An event of an incident's history, applied in order. */
export type DemoEvent =
  | { step: ResponseStep; at: string; note: string }
  | { to: 'responding' | 'responded' | 'closed'; at: string }
  | { form: '03' | '04'; at: string };

export type DemoTask = {
  title: string;
  /** The response-team member (by name, on the current roster) or the demo account that owns it. */
  member?: string;
  assignee?: string;
  dueOn: string;
  done?: boolean;
};

/** The report's fields (organisation and systems given as references, resolved by the loader). */
export type DemoIncidentFields = Omit<
  IncidentInput,
  'organisationId' | 'systemId' | 'affectedOrganisationIds' | 'affectedSystemIds' | 'vulnFindingId' | 'detectedAt'
>;

export type DemoIncident = {
  /** The account that reports it, and the coordinator's account that records the response. */
  reporter: string;
  coordinator: string;
  /** The operating agency; null: the one the incident was opened for (an escalated finding's organisation). */
  organisation: OrgRef | null;
  system: string | null;
  affectedOrganisations: OrgRef[];
  detectedAt: string;
  fields: DemoIncidentFields;
  notifiedAt: string | null;
  events: DemoEvent[];
  tasks: DemoTask[];
};

const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** An instant in the province (UTC+7) of a day and a time of day. */
export const at = (day: string, hm: string) => `${day}T${hm}:00+07:00`;
const dmy = (day: string) => day.split('-').reverse().join('/');

/** What the loader knows when it writes the narratives: the names of the day. */
export type NarrativeContext = {
  /** The national coordinating body on a day (VNCERT/CC until 28/02/2025, then the Ministry of Public Security). */
  coordinator: (day: string) => string;
  /** The province's People's Committee on a day (the owner of the provincial systems). */
  provinceCommittee: (day: string) => string;
  /** The ministry's information-security authority on a day (who writes the national warning letters). */
  securityAuthority: (day: string) => string;
};

/** The finding a demo SOC analyst escalated in 2024: a workstation talking to a C2 server. */
export type EscalatedContact = { ip: string; indicator: string; organisationName: string; firstSeen: Date };

/**
 * 2024: the SOC escalates a malicious contact to an incident; the response follows over a week and the incident is
 * closed once the closing report (form 04) is issued. Dated from the finding's first sighting.
 */
export function contactIncident(f: EscalatedContact, ctx: NarrativeContext): DemoIncident {
  const day = provinceDay(f.firstSeen);
  const d = (n: number) => plusDays(day, n);
  return {
    reporter: 'demo.soc',
    coordinator: 'demo.department',
    organisation: null,
    system: null,
    affectedOrganisations: [],
    detectedAt: f.firstSeen.toISOString(),
    fields: {
      title: `Máy tính tại ${f.organisationName} kết nối tới máy chủ điều khiển mã độc (C2)`,
      ownerName: ctx.provinceCommittee(day),
      contactName: 'Đỗ Thị Lan Anh',
      contactPosition: 'Chuyên viên phụ trách công nghệ thông tin, Văn phòng UBND tỉnh',
      contactPhone: '0912 000 105',
      contactEmail: 'anh.dtl@yenbai.example.vn',
      type: 'malware',
      description:
        `SOC tỉnh phát hiện máy tính ${f.ip} của ${f.organisationName} kết nối nhiều lần tới địa chỉ ` +
        `${f.indicator}, có trong danh sách máy chủ điều khiển mã độc (C2) của nguồn tin tình báo mối đe dọa. ` +
        'Kiểm tra tại chỗ xác định máy bị nhiễm mã độc đánh cắp thông tin qua tệp đính kèm thư điện tử giả mạo.',
      damage:
        'Một máy trạm bị nhiễm mã độc; chưa phát hiện dữ liệu bị chuyển ra ngoài. Người sử dụng gián đoạn công việc khoảng một ngày.',
      spread: 'Không lây lan: rà quét 42 máy trạm cùng phân đoạn mạng không phát hiện dấu hiệu tương tự.',
      provider: 'Mạng truyền số liệu chuyên dùng cấp II tỉnh',
      actionsTaken:
        'Cách ly máy tính khỏi mạng; chặn địa chỉ máy chủ C2 trên tường lửa biên; thu thập nhật ký và mẫu mã độc; ' +
        'cài đặt lại hệ điều hành, đổi mật khẩu các tài khoản đã dùng trên máy.',
      helpers: 'Đội ứng cứu sự cố tỉnh (Sở Thông tin và Truyền thông; Phòng PA05 Công an tỉnh).',
      results: `Máy tính hoạt động bình thường trở lại ngày ${dmy(d(3))}; giám sát những ngày sau không ghi nhận kết nối mới tới máy chủ độc hại.`,
      proposals:
        'Tăng cường tuyên truyền nhận diện thư điện tử giả mạo; triển khai phần mềm phòng, chống mã độc tập trung cho các máy trạm.',
      severityFactors: [],
      beyondCapability: false,
    },
    notifiedAt: at(d(1), '10:00'),
    events: [
      {
        step: 'receive_verify',
        at: at(d(1), '08:30'),
        note: 'SOC tỉnh tiếp nhận cảnh báo, đối chiếu nguồn tin tình báo: địa chỉ đích là máy chủ điều khiển mã độc đã biết; xác định máy tính nguồn.',
      },
      { to: 'responding', at: at(d(1), '09:15') },
      {
        step: 'first_actions',
        at: at(d(1), '09:15'),
        note: 'Đề nghị đơn vị cách ly máy tính khỏi mạng; chặn địa chỉ máy chủ C2 trên tường lửa biên của tỉnh.',
      },
      {
        step: 'report_coordinate',
        at: at(d(1), '10:00'),
        note: `Thông báo sự cố tới đơn vị vận hành, Phòng PA05 Công an tỉnh và ${ctx.coordinator(d(1))}.`,
      },
      {
        step: 'contain',
        at: at(d(1), '14:00'),
        note: 'Thu thập nhật ký, sao lưu ảnh đĩa và mẫu tệp nghi ngờ; rà quét các máy trạm cùng phân đoạn mạng.',
      },
      {
        step: 'eradicate_recover',
        at: at(d(3), '16:30'),
        note: 'Cài đặt lại hệ điều hành, cập nhật bản vá, đổi mật khẩu; đưa máy tính trở lại hoạt động.',
      },
      { to: 'responded', at: at(d(3), '17:00') },
      {
        step: 'lessons',
        at: at(d(5), '09:00'),
        note: 'Họp rút kinh nghiệm: nguyên nhân là tệp đính kèm thư giả mạo; đề xuất tập huấn nhận diện thư lừa đảo cho cán bộ.',
      },
      { form: '04', at: at(d(5), '10:00') },
      { to: 'closed', at: at(d(5), '16:00') },
    ],
    tasks: [],
  };
}

/**
 * 2025, after the merger: the public-service portal (level 3) is defaced; the response ends the next day and the
 * closing report is issued; the Department has yet to close the case.
 */
export const defacementIncident = (ctx: NarrativeContext): DemoIncident => ({
  reporter: 'demo.department',
  coordinator: 'demo.department',
  organisation: LC('SO-KHCN'),
  system: 'Hệ thống thông tin giải quyết thủ tục hành chính tỉnh',
  affectedOrganisations: [],
  detectedAt: at('2025-10-14', '06:50'),
  fields: {
    title: 'Trang chủ Hệ thống thông tin giải quyết thủ tục hành chính tỉnh bị thay đổi giao diện',
    ownerName: ctx.provinceCommittee('2025-10-14'),
    contactName: 'Lê Minh Tuấn',
    contactPosition: 'Kỹ sư giám sát, Trung tâm Giám sát an toàn thông tin tỉnh',
    contactPhone: '0912 000 103',
    contactEmail: 'tuan.lm@laocai.example.vn',
    type: 'defacement',
    description:
      'Lúc 06 giờ 50 ngày 14/10/2025, người dân phản ánh qua đường dây nóng: trang chủ cổng dịch vụ công hiển thị ' +
      'nội dung lạ thay cho giao diện chính thức. Đối tượng khai thác lỗ hổng tải tệp trong mô-đun quản trị tin bài để ' +
      'ghi đè tệp giao diện.',
    damage:
      'Trang chủ bị thay đổi khoảng 2 giờ; hệ thống tạm dừng cung cấp dịch vụ công trực tuyến 9 giờ để khắc phục; ' +
      'cơ sở dữ liệu hồ sơ thủ tục hành chính không bị ảnh hưởng.',
    spread: 'Không lây lan sang các hệ thống khác trong Trung tâm dữ liệu tỉnh.',
    provider: 'Trung tâm dữ liệu tỉnh',
    actionsTaken:
      'Ngắt kết nối Internet của máy chủ web, chuyển hướng truy cập sang trang thông báo bảo trì; lưu nhật ký và các ' +
      'tệp bị thay đổi làm chứng cứ; khôi phục mã nguồn từ bản sao lưu ngày 13/10/2025; vá lỗ hổng tải tệp, đổi mật ' +
      'khẩu quản trị.',
    helpers: 'Phòng PA05 Công an tỉnh; đơn vị phát triển phần mềm.',
    results:
      'Hệ thống hoạt động trở lại lúc 16 giờ 00 ngày 14/10/2025; kiểm tra lại không còn lỗ hổng đã bị khai thác.',
    proposals:
      'Kiểm tra, đánh giá an toàn thông tin các cổng, trang thông tin điện tử trước khi đưa vào vận hành; giám sát ' +
      'thay đổi giao diện 24/7.',
    severityFactors: ['outage'],
    beyondCapability: false,
  },
  notifiedAt: at('2025-10-14', '09:00'),
  events: [
    {
      step: 'receive_verify',
      at: at('2025-10-14', '07:05'),
      note: 'Tiếp nhận phản ánh qua đường dây nóng; xác minh trang chủ bị thay đổi nội dung.',
    },
    { to: 'responding', at: at('2025-10-14', '07:20') },
    {
      step: 'first_actions',
      at: at('2025-10-14', '07:20'),
      note: 'Ngắt kết nối Internet của máy chủ web, chuyển hướng sang trang thông báo bảo trì.',
    },
    {
      step: 'report_coordinate',
      at: at('2025-10-14', '09:00'),
      note: `Thông báo sự cố tới UBND tỉnh, Công an tỉnh và ${ctx.coordinator('2025-10-14')}.`,
    },
    {
      step: 'contain',
      at: at('2025-10-14', '10:30'),
      note: 'Lưu nhật ký truy cập, tệp bị ghi đè; xác định lỗ hổng tải tệp trong mô-đun quản trị tin bài.',
    },
    {
      step: 'eradicate_recover',
      at: at('2025-10-14', '16:00'),
      note: 'Khôi phục mã nguồn từ bản sao lưu, vá lỗ hổng, đổi mật khẩu quản trị; mở lại dịch vụ.',
    },
    { to: 'responded', at: at('2025-10-15', '17:00') },
    {
      step: 'lessons',
      at: at('2025-10-16', '14:00'),
      note: 'Rút kinh nghiệm: bổ sung kiểm tra mã nguồn trước khi nâng cấp, giám sát thay đổi tệp giao diện.',
    },
    { form: '04', at: at('2025-10-17', '09:00') },
  ],
  tasks: [],
});

/**
 * 2026: a hijacked mailbox sends phishing across the province; the response is under way, with tasks for the team
 * (some done, one late, one ahead).
 */
export const phishingIncident = (ctx: NarrativeContext): DemoIncident => ({
  reporter: 'demo.department',
  coordinator: 'demo.department',
  organisation: LC('SO-KHCN'),
  system: 'Hệ thống thư điện tử công vụ tỉnh',
  affectedOrganisations: [LC('04456'), LC('SO-YTE')],
  detectedAt: at('2026-11-23', '09:15'),
  fields: {
    title: 'Tài khoản thư điện tử công vụ bị chiếm quyền, phát tán thư lừa đảo',
    ownerName: ctx.provinceCommittee('2026-11-23'),
    contactName: 'Lê Minh Tuấn',
    contactPosition: 'Kỹ sư giám sát, Trung tâm Giám sát an toàn thông tin tỉnh',
    contactPhone: '0912 000 103',
    contactEmail: 'tuan.lm@laocai.example.vn',
    type: 'unauthorised_access',
    description:
      'SOC tỉnh phát hiện tài khoản thư điện tử công vụ của một cán bộ UBND xã Mù Cang Chải đăng nhập từ địa chỉ IP ' +
      'nước ngoài và gửi khoảng 1.200 thư giả mạo "cập nhật hồ sơ thuế" tới các cơ quan trong tỉnh, kèm đường dẫn ' +
      'tới trang đăng nhập giả mạo.',
    damage: 'Đang xác định; ít nhất 3 cán bộ Sở Y tế đã nhập mật khẩu vào trang giả mạo.',
    spread: 'Thư giả mạo đã gửi tới 46 cơ quan, đơn vị trong tỉnh.',
    provider: 'Trung tâm dữ liệu tỉnh',
    actionsTaken:
      'Khóa tài khoản bị chiếm quyền; chặn địa chỉ IP và tên miền giả mạo trên tường lửa và cổng thư; thu hồi thư ' +
      'giả mạo khỏi hộp thư người nhận.',
    helpers: 'Đội ứng cứu sự cố tỉnh; Phòng PA05 Công an tỉnh.',
    results: null,
    proposals: 'Bắt buộc xác thực hai yếu tố cho tài khoản thư điện tử công vụ.',
    severityFactors: ['cascading'],
    beyondCapability: false,
  },
  notifiedAt: at('2026-11-23', '14:00'),
  events: [
    {
      step: 'receive_verify',
      at: at('2026-11-23', '09:40'),
      note: 'SOC xác minh cảnh báo đăng nhập bất thường và lưu lượng thư gửi đi tăng đột biến từ một tài khoản.',
    },
    { to: 'responding', at: at('2026-11-23', '10:30') },
    {
      step: 'first_actions',
      at: at('2026-11-23', '10:30'),
      note: 'Khóa tài khoản, chặn địa chỉ IP nguồn và tên miền giả mạo; tạm dừng gửi thư ra ngoài của tài khoản.',
    },
    {
      step: 'plan',
      at: at('2026-11-23', '15:00'),
      note: 'Phương án: thu hồi thư giả mạo, buộc đổi mật khẩu người đã nhập thông tin, rà soát nhật ký 30 ngày.',
    },
    {
      step: 'report_coordinate',
      at: at('2026-11-24', '08:30'),
      note: `Báo cáo UBND tỉnh, phối hợp Công an tỉnh và ${ctx.coordinator('2026-11-24')}.`,
    },
    {
      step: 'contain',
      at: at('2026-11-24', '16:00'),
      note: 'Đã thu hồi thư giả mạo khỏi 1.174 hộp thư; không ghi nhận thêm đăng nhập bất thường.',
    },
  ],
  tasks: [
    {
      title: 'Gửi văn bản cảnh báo thư lừa đảo tới các cơ quan, đơn vị trong tỉnh',
      member: 'Nguyễn Thị Mai',
      dueOn: '2026-11-24',
      done: true,
    },
    {
      title: 'Buộc đổi mật khẩu các tài khoản đã nhập thông tin vào trang giả mạo',
      member: 'Vũ Đức Mạnh',
      dueOn: '2026-11-25',
      done: true,
    },
    {
      title: 'Phân tích nhật ký đăng nhập máy chủ thư điện tử 30 ngày gần nhất',
      member: 'Lê Minh Tuấn',
      dueOn: '2026-11-27',
      done: true,
    },
    {
      title: 'Báo cáo kết quả rà soát các hộp thư đã nhận thư giả mạo',
      member: 'Đỗ Thị Lan Anh',
      dueOn: '2026-12-02',
    },
    {
      title: 'Cập nhật bản vá bảo mật mới nhất cho Zimbra Collaboration 8.8.15',
      member: 'Lê Minh Tuấn',
      dueOn: '2026-12-11',
    },
  ],
});

/**
 * Reported the day before the load by the commune itself (its account), still being verified: a fresh case with its
 * notification clock running. Dated relative to `today` (the rota's rule: operational data).
 */
export const communePortalIncident = (today: string): DemoIncident => ({
  reporter: 'demo.xamucangchai',
  coordinator: 'demo.department',
  organisation: LC('04456'),
  system: 'Trang thông tin điện tử thị trấn Mù Căng Chải',
  affectedOrganisations: [],
  detectedAt: at(plusDays(today, -1), '14:30'),
  fields: {
    title: 'Trang thông tin điện tử xã bị chèn liên kết quảng cáo cờ bạc trực tuyến',
    ownerName: 'Ủy ban nhân dân xã Mù Cang Chải',
    contactName: 'Sùng A Chớ',
    contactPosition: 'Công chức Văn phòng - Thống kê, UBND xã Mù Cang Chải',
    contactPhone: '0912 000 120',
    contactEmail: 'cho.sa@laocai.example.vn',
    type: 'unauthorised_access',
    description:
      'Cán bộ xã phát hiện khi tra cứu trên công cụ tìm kiếm: nhiều trang con của Trang thông tin điện tử xã hiển thị ' +
      'liên kết quảng cáo cờ bạc trực tuyến; giao diện trang chủ không thay đổi.',
    damage: 'Ảnh hưởng uy tín của cơ quan; chưa xác định dữ liệu bị lộ.',
    spread: null,
    provider: null,
    actionsTaken: 'Tạm ẩn các bài viết bị chèn liên kết; đổi mật khẩu tài khoản quản trị trang.',
    helpers: null,
    results: null,
    proposals: 'Đề nghị Đội ứng cứu sự cố tỉnh hỗ trợ xác định nguyên nhân và gỡ bỏ mã độc.',
    severityFactors: [],
    beyondCapability: false,
  },
  notifiedAt: null,
  events: [],
  tasks: [
    {
      title: 'Xác minh, rà quét mã độc trên máy chủ Trang thông tin điện tử xã',
      member: 'Lê Minh Tuấn',
      dueOn: plusDays(today, 1),
    },
    {
      title: 'Cung cấp nhật ký truy cập máy chủ web 7 ngày gần nhất cho SOC tỉnh',
      assignee: 'demo.xamucangchai',
      dueOn: plusDays(today, 2),
    },
  ],
});

/**
 * A warning letter of the national body typed in by the Department: Apache HTTP Server, which the demo's portals run
 * (2.4.58), with three real CVEs fixed in 2.4.60 (CVE-2024-38475 is in CISA's KEV catalogue). Published at load; two
 * agencies acknowledge (the rest have not yet: partly acknowledged).
 */
export const apacheAdvisory = (ctx: NarrativeContext): AdvisoryInput => ({
  title: 'Cảnh báo lỗ hổng bảo mật nghiêm trọng trong Apache HTTP Server đang bị khai thác',
  summary:
    'Các lỗ hổng trong mô-đun mod_rewrite và cách xử lý đầu ra của Apache HTTP Server từ phiên bản 2.4.59 trở về ' +
    'trước cho phép đối tượng tấn công đọc trái phép tệp trên máy chủ, thực thi mã từ xa hoặc giả mạo yêu cầu phía ' +
    'máy chủ (SSRF). Lỗ hổng CVE-2024-38475 đã bị khai thác trên thực tế. Đề nghị các cơ quan, đơn vị rà soát cổng, ' +
    'trang thông tin điện tử sử dụng Apache HTTP Server, nâng cấp lên phiên bản 2.4.62 trở lên và báo cáo kết quả xử ' +
    'lý từng hệ thống.',
  severity: 'critical',
  cvssScore: 9.8,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cves: ['CVE-2024-38474', 'CVE-2024-38475', 'CVE-2024-38476'],
  sourceBody: ctx.securityAuthority('2026-11-27'),
  sourceNumber: '1827/A05-P4',
  issuedOn: '2026-11-27',
  products: [
    {
      vendor: 'Apache Software Foundation',
      product: 'Apache HTTP Server',
      versionEndIncluding: '2.4.59',
      status: 'known_affected',
    },
  ],
});

/** Who has acknowledged the advisory so far: an agency account for its own 2024 unit. */
/** Who acknowledges the advisory; `answer`: what they report for each of their targets (others stay open). */
export const ADVISORY_ACKNOWLEDGEMENTS: {
  username: string;
  organisation: OrgRef;
  answer?: { response: 'patched' | 'mitigated'; note: string };
}[] = [
  {
    username: 'demo.soyte',
    organisation: YB('SO-YTE'),
    answer: { response: 'patched', note: 'Đã nâng cấp Apache HTTP Server lên phiên bản 2.4.62.' },
  },
  {
    username: 'demo.mucangchai',
    organisation: YB('137'),
    answer: {
      response: 'mitigated',
      note: 'Tạm tắt các quy tắc RewriteRule có thay thế bằng biến, chờ nhà thầu nâng cấp trong tháng.',
    },
  },
];
