/**
 * Demo information systems of Yên Bái (2024), so a newcomer's dashboards are not empty. DEMO DATA, NOT REAL: the
 * kinds of system are those every province runs (portals, one-stop/DVC, QLVB, e-mail, WAN, data centre, cameras,
 * monitoring/ICS); names, numbers, levels and states are illustrative. Pure data; `load-systems-demo.ts` loads it.
 */
type Kind = {
  purpose: string;
  cells: Record<string, string>;
  software?: string;
};

/** Classification answers and typical software of each kind of system (keys of the import layout). */
export const DEMO_KINDS = {
  portal: {
    purpose: 'Công khai thông tin, tiếp nhận phản ánh, kiến nghị',
    cells: {
      system_type: 'public_service',
      info_personal: 'true',
      user_count: '3000',
      online_service_level: '2',
    },
    software: 'Liferay Portal|Liferay|7.4; Apache HTTP Server|Apache|2.4.58',
  },
  dvc: {
    purpose: 'Cung cấp dịch vụ công trực tuyến toàn trình, một cửa điện tử',
    cells: {
      system_type: 'public_service',
      info_personal: 'true',
      user_count: '320000',
      online_service_level: '4',
    },
    software: 'Hệ thống một cửa điện tử|VNPT|3.0; PostgreSQL|PostgreSQL|14.10',
  },
  citizen_app: {
    purpose: 'Ứng dụng công dân số: tra cứu, phản ánh, thanh toán',
    cells: {
      system_type: 'public_service',
      info_personal: 'true',
      user_count: '60000',
      online_service_level: '2',
    },
  },
  qlvb: {
    purpose: 'Quản lý văn bản và điều hành, ký số',
    cells: { system_type: 'internal', info_private: 'true', info_personal: 'true', user_count: '800' },
    software: 'iOffice|VNPT|5.2; Microsoft SQL Server|Microsoft|2019',
  },
  report: { purpose: 'Tổng hợp báo cáo kinh tế - xã hội', cells: { system_type: 'internal', info_private: 'true' } },
  email: {
    purpose: 'Thư điện tử công vụ',
    cells: { system_type: 'internal', info_private: 'true', info_personal: 'true', user_count: '6500' },
    software: 'Zimbra Collaboration|Synacor|8.8.15|cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:*:*:*:*:*:*:*',
  },
  vconf: { purpose: 'Họp trực tuyến giữa tỉnh, huyện, xã', cells: { system_type: 'internal' } },
  wan: {
    purpose: 'Kết nối mạng diện rộng các cơ quan trong tỉnh',
    cells: { system_type: 'infrastructure', infrastructure_scope: 'sector_or_provinces' },
    software: 'FortiOS|Fortinet|7.2.6',
  },
  datacentre: {
    purpose: 'Hạ tầng máy chủ, lưu trữ dùng chung của tỉnh',
    cells: { system_type: 'infrastructure', infrastructure_scope: 'sector_or_provinces' },
    software: 'VMware ESXi|VMware|7.0 U3',
  },
  lgsp: {
    purpose: 'Tích hợp, chia sẻ dữ liệu giữa các hệ thống của tỉnh và quốc gia',
    cells: { system_type: 'infrastructure', infrastructure_scope: 'sector_or_provinces' },
    software: 'WSO2 API Manager|WSO2|4.2.0',
  },
  lan: {
    purpose: 'Mạng nội bộ, kết nối Internet của cơ quan',
    cells: { system_type: 'infrastructure', infrastructure_scope: 'one_agency' },
  },
  camera: {
    purpose: 'Giám sát an ninh trật tự, giao thông',
    cells: { system_type: 'infrastructure', infrastructure_scope: 'one_agency' },
    software: 'iVMS-4200|Hikvision|3.9',
  },
  soc: {
    purpose: 'Giám sát an toàn thông tin tập trung',
    cells: { system_type: 'infrastructure', infrastructure_scope: 'one_agency' },
  },
  hospital: {
    purpose: 'Quản lý khám chữa bệnh, bệnh án điện tử',
    cells: {
      system_type: 'public_service',
      info_personal: 'true',
      user_count: '350000',
      online_service_level: '3',
    },
  },
  education_db: {
    purpose: 'Cơ sở dữ liệu ngành giáo dục (học sinh, giáo viên)',
    cells: {
      system_type: 'public_service',
      info_personal: 'true',
      user_count: '210000',
      online_service_level: '3',
    },
  },
  monitoring_ics: {
    purpose: 'Quan trắc môi trường tự động, truyền số liệu về Sở',
    cells: { system_type: 'industrial_control', ics_works_grade: 'III' },
  },
  scada: {
    purpose: 'Giám sát, điều khiển vận hành hồ chứa thủy lợi',
    cells: { system_type: 'industrial_control', ics_works_grade: 'II' },
  },
} satisfies Record<string, Kind>;

export type DemoState = 'none' | 'draft' | 'submitted' | 'under_appraisal' | 'returned' | 'approved';
export type DemoSystem = {
  org: string;
  kind: keyof typeof DEMO_KINDS;
  name: string;
  hosts?: string;
  state?: DemoState;
};

const DEPARTMENTS: [string, string][] = [
  ['SO-NV', 'Sở Nội vụ'],
  ['SO-TP', 'Sở Tư pháp'],
  ['SO-KHDT', 'Sở Kế hoạch và Đầu tư'],
  ['SO-TC', 'Sở Tài chính'],
  ['SO-CT', 'Sở Công Thương'],
  ['SO-NNPTNT', 'Sở Nông nghiệp và Phát triển nông thôn'],
  ['SO-GTVT', 'Sở Giao thông vận tải'],
  ['SO-XD', 'Sở Xây dựng'],
  ['SO-TNMT', 'Sở Tài nguyên và Môi trường'],
  ['SO-LDTBXH', 'Sở Lao động - Thương binh và Xã hội'],
  ['SO-VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
  ['SO-KHCN', 'Sở Khoa học và Công nghệ'],
  ['SO-GDDT', 'Sở Giáo dục và Đào tạo'],
  ['SO-YTE', 'Sở Y tế'],
  ['TTR-TINH', 'Thanh tra tỉnh'],
  ['BAN-DT', 'Ban Dân tộc'],
];
const DISTRICTS: [string, string][] = [
  ['132', 'thành phố Yên Bái'],
  ['133', 'thị xã Nghĩa Lộ'],
  ['135', 'huyện Lục Yên'],
  ['136', 'huyện Văn Yên'],
  ['137', 'huyện Mù Căng Chải'],
  ['138', 'huyện Trấn Yên'],
  ['139', 'huyện Trạm Tấu'],
  ['140', 'huyện Văn Chấn'],
  ['141', 'huyện Yên Bình'],
];
const COMMUNES: [string, string][] = [
  ['04249', 'phường Yên Thịnh'],
  ['04252', 'phường Yên Ninh'],
  ['04456', 'thị trấn Mù Căng Chải'],
  ['04459', 'xã Hồ Bốn'],
  ['04621', 'thị trấn Nông trường Liên Sơn'],
  ['04714', 'thị trấn Yên Bình'],
  ['04717', 'thị trấn Thác Bà'],
];

/** States given in turn to the systems without an explicit one: about 6 in 10 approved by the 08/2024 deadline. */
const CYCLE: DemoState[] = [
  'approved',
  'approved',
  'submitted',
  'approved',
  'under_appraisal',
  'approved',
  'returned',
  'approved',
  'draft',
  'approved',
  'approved',
  'none',
];

const listed: DemoSystem[] = [
  {
    org: 'SO-TTTT',
    kind: 'portal',
    name: 'Cổng thông tin điện tử tỉnh Yên Bái',
    hosts: 'portal=203.0.113.10',
    state: 'approved',
  },
  {
    org: 'SO-TTTT',
    kind: 'dvc',
    name: 'Hệ thống thông tin giải quyết thủ tục hành chính tỉnh',
    hosts: 'dvc=203.0.113.20; 10.15.11.20',
    state: 'approved',
  },
  { org: 'SO-TTTT', kind: 'wan', name: 'Mạng truyền số liệu chuyên dùng cấp II tỉnh', state: 'approved' },
  { org: 'SO-TTTT', kind: 'datacentre', name: 'Trung tâm dữ liệu tỉnh', hosts: '10.15.11.0/26', state: 'approved' },
  { org: 'SO-TTTT', kind: 'lgsp', name: 'Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) tỉnh', state: 'under_appraisal' },
  {
    org: 'SO-TTTT',
    kind: 'email',
    name: 'Hệ thống thư điện tử công vụ tỉnh',
    hosts: 'mail.yenbai.gov.vn=203.0.113.25',
    state: 'approved',
  },
  { org: 'SO-TTTT', kind: 'vconf', name: 'Hệ thống hội nghị truyền hình trực tuyến tỉnh', state: 'approved' },
  { org: 'SO-TTTT', kind: 'soc', name: 'Hệ thống giám sát an toàn thông tin tập trung (SOC) tỉnh', state: 'approved' },
  { org: 'SO-TTTT', kind: 'citizen_app', name: 'Ứng dụng Công dân số Yên Bái', state: 'draft' },
  {
    org: 'VP-UBND',
    kind: 'qlvb',
    name: 'Hệ thống quản lý văn bản và điều hành tỉnh',
    hosts: 'qlvb.yenbai.gov.vn=203.0.113.30',
    state: 'approved',
  },
  { org: 'VP-UBND', kind: 'report', name: 'Hệ thống thông tin báo cáo tỉnh', state: 'submitted' },
  { org: 'SO-YTE', kind: 'hospital', name: 'Hệ thống quản lý bệnh viện - Bệnh viện Đa khoa tỉnh', state: 'returned' },
  { org: 'SO-GDDT', kind: 'education_db', name: 'Cơ sở dữ liệu ngành giáo dục tỉnh', state: 'submitted' },
  { org: 'SO-TNMT', kind: 'monitoring_ics', name: 'Hệ thống quan trắc môi trường tự động', state: 'draft' },
  { org: 'SO-NNPTNT', kind: 'scada', name: 'Hệ thống SCADA giám sát hồ chứa thủy lợi', state: 'under_appraisal' },
  { org: '132', kind: 'camera', name: 'Hệ thống camera giám sát an ninh trật tự đô thị thành phố Yên Bái' },
  { org: '133', kind: 'camera', name: 'Hệ thống camera giám sát an ninh trật tự thị xã Nghĩa Lộ' },
  { org: '137', kind: 'qlvb', name: 'Hệ thống quản lý văn bản huyện Mù Căng Chải', state: 'approved' },
  { org: '141', kind: 'camera', name: 'Hệ thống camera giám sát giao thông huyện Yên Bình', state: 'none' },
];

let turn = 0;
const next = (): DemoState => CYCLE[turn++ % CYCLE.length] as DemoState;

export const DEMO_SYSTEMS: DemoSystem[] = [
  ...listed,
  ...DEPARTMENTS.map(([org, name]): DemoSystem => ({ org, kind: 'portal', name: `Trang thông tin điện tử ${name}` })),
  ...DISTRICTS.flatMap(([org, name]): DemoSystem[] => [
    { org, kind: 'portal', name: `Cổng thông tin điện tử ${name}` },
    { org, kind: 'lan', name: `Mạng nội bộ UBND ${name}` },
  ]),
  ...COMMUNES.map(([org, name]): DemoSystem => ({ org, kind: 'portal', name: `Trang thông tin điện tử ${name}` })),
].map((s) => ({ ...s, state: s.state ?? next() }));

export const DEMO_TARGETS = [
  {
    title: '100% hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ trước 31/08/2024',
    kind: 'dossier_approved' as const,
    deadline: '2024-08-31',
    legalBasis: 'Văn bản 1949/UBND-VX (06/2024) của UBND tỉnh Yên Bái; CT 09/CT-TTg ngày 23/02/2024',
  },
  {
    title: '100% hệ thống thông tin triển khai đầy đủ phương án bảo đảm ATTT theo cấp độ trước 31/12/2024',
    kind: 'plan_implemented' as const,
    deadline: '2024-12-31',
    legalBasis: 'Văn bản 1949/UBND-VX (06/2024) của UBND tỉnh Yên Bái; CT 09/CT-TTg ngày 23/02/2024',
  },
];
