// The pages a recipient reaches from an exercise mail: no login, outside /api, server-rendered Vietnamese HTML with
// no script (the app's CSP holds). Each records only THAT something happened, with its time: the bait form's
// inputs have no `name`, so a browser sends none of what was typed, and the submit route never reads its body.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db/client.ts';
import { phishingLinkKey, reportPath, verifyLinkToken } from './links.ts';
import type { PhishingEventKind } from './phishing.input.ts';
import { recordPhishingEvent } from './phishing.service.ts';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f4f6f8}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}
.card{background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 1rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #c5ccd3;border-radius:6px;font-size:1rem}
button{margin-top:1rem;padding:.65rem 1.2rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;font-size:1rem}
.lesson{border-left:4px solid #d97706}
.lesson h1{color:#b45309}
ul{padding-left:1.2rem}
footer{margin-top:1.5rem;font-size:.9rem;color:#52606d}
.linkish{background:none;color:#1d4ed8;padding:0;margin:0;text-decoration:underline;font-size:.9rem}
`;

function page(title: string, body: string) {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** The bait: looks like a sign-in to confirm an account. Inputs have no name; the form posts nothing. */
function baitPage(token: string, senderName: string) {
  return page(
    `${senderName} — Xác thực tài khoản`,
    `<div class="card"><h1>${esc(senderName)}: xác thực tài khoản thư công vụ</h1>
<p>Vui lòng đăng nhập để xác thực tài khoản trước khi hộp thư bị khoá.</p>
<form method="post" action="/xac-thuc/${esc(token)}">
<label for="u">Tài khoản</label><input id="u" type="text" autocomplete="off">
<label for="p">Mật khẩu</label><input id="p" type="password" autocomplete="off">
<button type="submit">Đăng nhập</button>
</form></div>
<footer><form method="post" action="${esc(reportPath(token))}">Trang này đáng ngờ?
<button class="linkish" type="submit">Báo cáo thư lừa đảo</button></form></footer>`,
  );
}

/** What the exercise teaches, after a submit or a report. */
function lessonPage(lessonText: string, kind: 'submitted' | 'reported') {
  const paragraphs = lessonText
    .split(/\n\s*\n/)
    .map((p) => `<p>${esc(p.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const head =
    kind === 'reported'
      ? '<h1>Cảm ơn bạn đã báo cáo!</h1><p>Đây là thư diễn tập chống lừa đảo (phishing). Báo cáo thư đáng ngờ là việc làm đúng.</p>'
      : '<h1>Đây là bài diễn tập chống lừa đảo</h1><p>Bạn vừa nhập thông tin vào một trang giả mạo. Đừng lo: trang này là bài diễn tập, <strong>những gì bạn gõ không được gửi đi và không được lưu lại</strong>.</p>';
  return page(
    'Bài diễn tập chống lừa đảo',
    `<div class="card lesson">${head}
${paragraphs}
<h2>Dấu hiệu nhận biết thư lừa đảo</h2>
<ul>
<li>Địa chỉ người gửi hoặc đường liên kết không thuộc tên miền chính thức của cơ quan.</li>
<li>Thúc giục, đe doạ (khoá tài khoản, hết hạn) để bạn hành động vội.</li>
<li>Yêu cầu nhập mật khẩu, mã OTP hoặc thông tin cá nhân qua liên kết trong thư.</li>
</ul>
<p>Khi nghi ngờ: không bấm liên kết, không nhập mật khẩu, báo ngay cho bộ phận an toàn thông tin của đơn vị.</p></div>`,
  );
}

const notFoundPage = () =>
  page('Không tìm thấy', '<div class="card"><h1>Không tìm thấy trang</h1><p>Liên kết không hợp lệ.</p></div>');

const html = (reply: FastifyReply, status: number, body: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex, nofollow')
    .type('text/html; charset=utf-8')
    .send(body);

/** A recipient's public pages. Rate-limited per address, like sign-in: a link is not a door to hammer. */
export function registerPhishingPublicRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const key = phishingLinkKey(config);
  const rateLimit = { max: 120, timeWindow: '1 minute' };
  // Pages, not API: kept out of the API description (and so out of the authorisation matrix's API routes).
  const HIDDEN = { hide: true };
  type Params = { Params: { token: string } };
  const event = async (token: string, kind: PhishingEventKind) => {
    const id = verifyLinkToken(key, token);
    return id ? recordPhishingEvent(db, id, kind) : null;
  };

  app.get<Params>('/xac-thuc/:token', { config: { rateLimit }, schema: HIDDEN }, async (req, reply) => {
    const found = await event(req.params.token, 'clicked');
    return found ? html(reply, 200, baitPage(req.params.token, found.senderName)) : html(reply, 404, notFoundPage());
  });

  app.get<Params>('/xac-thuc/:token/logo.gif', { config: { rateLimit }, schema: HIDDEN }, async (req, reply) => {
    const found = await event(req.params.token, 'opened');
    if (!found) return html(reply, 404, notFoundPage());
    return reply.header('cache-control', 'no-store').type('image/gif').send(PIXEL);
  });

  // The posted forms: whatever body arrives is never parsed, stored nor logged (the parser below takes no bytes).
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.post<Params>(
      '/xac-thuc/:token',
      { config: { rateLimit }, schema: HIDDEN, bodyLimit: 64 * 1024 },
      async (req, reply) => {
        const found = await event(req.params.token, 'submitted');
        return found ? html(reply, 200, lessonPage(found.lessonText, 'submitted')) : html(reply, 404, notFoundPage());
      },
    );
    scope.post<Params>('/xac-thuc/:token/bao-cao', { config: { rateLimit }, schema: HIDDEN }, async (req, reply) => {
      const found = await event(req.params.token, 'reported');
      return found ? html(reply, 200, lessonPage(found.lessonText, 'reported')) : html(reply, 404, notFoundPage());
    });
  });
}
