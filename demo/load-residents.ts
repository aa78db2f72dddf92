import type { Db } from '../src/core/db/client.ts';
import type { Actor } from '../src/modules/auth/index.ts';
import {
  createGuidance,
  createWarning,
  listGuidance,
  listReports,
  listWarnings,
  receiveReport,
  type ScamCategory,
  transitionWarning,
} from '../src/modules/residents/index.ts';

/** Fraud warnings of the kind the Department published during the 2024 awareness campaign (demo text). */
const WARNINGS: { title: string; summary: string; body: string; category: ScamCategory; publishedOn: string }[] = [
  {
    title: 'Giả danh công an gọi điện yêu cầu "cập nhật định danh điện tử"',
    summary:
      'Đối tượng xưng là công an, đề nghị cài ứng dụng giả mạo VNeID qua đường link để "cập nhật thông tin", rồi chiếm quyền điều khiển điện thoại và rút tiền trong tài khoản.',
    body:
      'Thời gian gần đây, nhiều người dân nhận cuộc gọi từ người tự xưng là cán bộ công an phường, xã, thông báo tài khoản định danh điện tử của họ "chưa được kích hoạt đủ mức 2" và gửi đường link để cài ứng dụng.\n\n' +
      'Ứng dụng được gửi qua đường link là ứng dụng giả mạo. Khi cài đặt và cấp quyền, đối tượng điều khiển được điện thoại, đọc được tin nhắn chứa mã OTP và chuyển tiền khỏi tài khoản ngân hàng.\n\n' +
      'Công an không gọi điện hướng dẫn cài ứng dụng. Ứng dụng VNeID chỉ tải từ App Store hoặc Google Play. Nếu nhận được cuộc gọi như vậy, hãy cúp máy và báo cho công an nơi cư trú.',
    category: 'impersonation',
    publishedOn: '2024-10-10',
  },
  {
    title: 'Trang web giả mạo Cổng dịch vụ công để lấy thông tin tài khoản ngân hàng',
    summary:
      'Tin nhắn báo "hoàn tiền thuế", "nộp phạt nguội" kèm đường link tới trang web có giao diện giống Cổng dịch vụ công nhưng tên miền không phải .gov.vn.',
    body:
      'Trang web giả mạo có giao diện giống hệt trang của cơ quan nhà nước, yêu cầu nhập số tài khoản, mật khẩu ngân hàng và mã OTP để "nhận tiền hoàn" hoặc "nộp phạt".\n\n' +
      'Trang web của cơ quan nhà nước có tên miền kết thúc bằng .gov.vn. Trước khi nhập thông tin, hãy kiểm tra địa chỉ bằng mục "Kiểm tra trang web" trên trang này.',
    category: 'fake_website',
    publishedOn: '2024-10-21',
  },
  {
    title: 'Lừa đảo "việc nhẹ lương cao", làm nhiệm vụ trên mạng',
    summary:
      'Lời mời làm cộng tác viên thả tim, đánh giá sản phẩm được trả hoa hồng; sau vài nhiệm vụ nhỏ, nạn nhân bị yêu cầu nạp số tiền lớn để "rút hoa hồng".',
    body:
      'Ban đầu đối tượng trả tiền thật cho vài nhiệm vụ nhỏ để tạo lòng tin. Sau đó nạn nhân được đưa vào nhóm kín, phải nạp tiền để làm "nhiệm vụ lớn" và không rút lại được.\n\n' +
      'Không có công việc nào yêu cầu người làm phải nạp tiền trước. Hãy dừng ngay khi được yêu cầu chuyển tiền.',
    category: 'online_job',
    publishedOn: '2024-11-04',
  },
  {
    title: 'Mượn tài khoản Zalo, Facebook của người quen để vay tiền',
    summary:
      'Đối tượng chiếm tài khoản mạng xã hội, nhắn tin cho bạn bè, người thân của chủ tài khoản để vay tiền gấp, có khi gọi video bằng hình ảnh giả.',
    body:
      'Khi người quen nhắn tin vay tiền gấp, hãy gọi điện trực tiếp bằng số điện thoại bạn đã biết để xác minh trước khi chuyển tiền.\n\n' +
      'Bật xác thực hai lớp cho tài khoản mạng xã hội và không cung cấp mã xác thực cho bất kỳ ai.',
    category: 'account_takeover',
    publishedOn: '2024-11-18',
  },
  {
    title: 'Sàn đầu tư tiền ảo hứa lợi nhuận cao (bản nháp)',
    summary: 'Bản nháp: đang tổng hợp các trang sàn giao dịch giả mạo được người dân phản ánh.',
    body: 'Nội dung đang được biên soạn.',
    category: 'investment',
    publishedOn: '2024-11-20',
  },
];

const GUIDANCE = [
  {
    title: 'Không cung cấp mã OTP, mật khẩu cho bất kỳ ai',
    body: 'Ngân hàng, công an hay cơ quan nhà nước không bao giờ hỏi mã OTP hoặc mật khẩu của bạn qua điện thoại, tin nhắn hay mạng xã hội.',
    position: 10,
  },
  {
    title: 'Không bấm vào đường link lạ, không cài ứng dụng ngoài kho chính thức',
    body: 'Chỉ cài ứng dụng từ App Store hoặc Google Play. Đường link trong tin nhắn lạ có thể dẫn tới trang giả mạo hoặc ứng dụng chiếm quyền điện thoại.',
    position: 20,
  },
  {
    title: 'Kiểm tra trước khi chuyển tiền',
    body: 'Khi được yêu cầu chuyển tiền gấp, hãy dừng lại, gọi điện cho người thân bằng số bạn đã biết, hoặc hỏi công an nơi cư trú.\n\nCơ quan nhà nước không yêu cầu chuyển tiền vào tài khoản cá nhân để "phục vụ điều tra".',
    position: 30,
  },
  {
    title: 'Khi đã bị lừa',
    body: 'Gọi ngay cho ngân hàng để khoá tài khoản, giữ lại tin nhắn, số điện thoại, đường link của đối tượng, báo cho công an nơi gần nhất và gửi phản ánh trên trang này.',
    position: 40,
  },
];

const REPORTS = [
  {
    category: 'phishing_message' as const,
    description:
      'Tôi nhận tin nhắn SMS báo được hoàn tiền thuế thu nhập cá nhân, kèm đường link để nhập số tài khoản ngân hàng.',
    suspect: 'hoanthue-gdt.top',
    reporterName: null,
    reporterContact: null,
  },
  {
    category: 'impersonation' as const,
    description:
      'Có người gọi xưng là cán bộ công an xã, nói tôi liên quan đến một vụ án và yêu cầu chuyển tiền để xác minh.',
    suspect: '0869 000 123',
    reporterName: 'Người dân (demo)',
    reporterContact: '0912 000 456',
  },
];

export type ResidentsCounts = { warnings: number; guidance: number; reports: number };

/**
 * The residents' page of the demo: four published warnings and a draft, guidance, and two reports in the queue.
 * Loading twice changes nothing (warnings by title, guidance only into an empty list, reports by what they name).
 */
export async function loadResidentsDemo(db: Db, actor: Actor): Promise<ResidentsCounts> {
  const counts: ResidentsCounts = { warnings: 0, guidance: 0, reports: 0 };
  const have = new Set((await listWarnings(db, { limit: 500, offset: 0 })).items.map((w) => w.title));
  for (const w of WARNINGS) {
    if (have.has(w.title)) continue;
    const created = await createWarning(db, actor, w);
    if (!w.title.endsWith('(bản nháp)')) await transitionWarning(db, actor, created.id, 'published');
    counts.warnings++;
  }
  if ((await listGuidance(db)).items.length === 0)
    for (const g of GUIDANCE) {
      await createGuidance(db, actor, { ...g, published: true });
      counts.guidance++;
    }
  for (const r of REPORTS) {
    if ((await listReports(db, { q: r.suspect, limit: 1, offset: 0 })).total > 0) continue;
    await receiveReport(db, r, null);
    counts.reports++;
  }
  return counts;
}
