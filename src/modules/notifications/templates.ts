// The e-mails, in Vietnamese: an urgent notice on its own, the others in one digest a day. Plain text first (what
// every client shows), with a simple HTML twin; every item carries its absolute link into the web UI.
import { formatDateTime, formatInstantDay } from '../../core/documents/format.ts';

/** What an e-mail says of one notification. */
export type MailItem = { title: string; body: string; link: string | null; createdAt: Date };
export type Mail = { subject: string; text: string; html: string };
export type MailContext = { recipientName: string; publicUrl: string };

/** How many items a digest lists in full; the rest are counted, with the link to the notifications page. */
export const DIGEST_MAX_ITEMS = 50;

const PRODUCT = 'Khiên';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The page a notification points to, as an address the reader can open from the mail (its own list if none). */
export const absoluteLink = (publicUrl: string, link: string | null) =>
  `${publicUrl}${link?.startsWith('/') ? link : '/notifications'}`;

function footer(ctx: MailContext) {
  const all = `${ctx.publicUrl}/notifications`;
  return {
    text: `—\nThư gửi tự động từ ${PRODUCT}, xin không trả lời thư này.\nXem tất cả thông báo: ${all}\n`,
    html:
      `<hr><p style="color:#666;font-size:12px">Thư gửi tự động từ ${PRODUCT}, xin không trả lời thư này.<br>` +
      `Xem tất cả thông báo: <a href="${escapeHtml(all)}">${escapeHtml(all)}</a></p>`,
  };
}

function page(ctx: MailContext, textParts: string[], htmlParts: string[]) {
  const end = footer(ctx);
  return {
    text: [`Kính gửi ${ctx.recipientName},`, '', ...textParts, '', end.text].join('\n'),
    html:
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"></head>` +
      `<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5">` +
      `<p>Kính gửi ${escapeHtml(ctx.recipientName)},</p>${htmlParts.join('')}${end.html}</body></html>`,
  };
}

function itemText(ctx: MailContext, item: MailItem, prefix = '') {
  const indent = ' '.repeat(prefix.length);
  return [
    `${prefix}${item.title}`,
    `${indent}${item.body}`,
    `${indent}Thời điểm: ${formatDateTime(item.createdAt)}`,
    `${indent}Xem và xử lý: ${absoluteLink(ctx.publicUrl, item.link)}`,
  ].join('\n');
}

// A body of several lines (the leaders' weekly board) keeps its lines in HTML too.
function itemHtml(ctx: MailContext, item: MailItem) {
  const href = escapeHtml(absoluteLink(ctx.publicUrl, item.link));
  return (
    `<p><strong>${escapeHtml(item.title)}</strong><br>${escapeHtml(item.body).replace(/\n/g, '<br>')}<br>` +
    `<span style="color:#666">Thời điểm: ${escapeHtml(formatDateTime(item.createdAt))}</span><br>` +
    `<a href="${href}">Xem và xử lý</a> (${href})</p>`
  );
}

/** One urgent notification, sent at once. */
export function urgentMail(ctx: MailContext, item: MailItem): Mail {
  const lead = 'Thông báo KHẨN cần anh/chị xem và xử lý ngay:';
  return {
    subject: `[${PRODUCT}] KHẨN — ${item.title}`,
    ...page(ctx, [lead, '', itemText(ctx, item)], [`<p>${lead}</p>`, itemHtml(ctx, item)]),
  };
}

/** The day's digest: every notification not yet e-mailed, oldest first, the first DIGEST_MAX_ITEMS in full. */
export function digestMail(ctx: MailContext, items: MailItem[], day: Date): Mail {
  const total = items.length;
  const shown = items.slice(0, DIGEST_MAX_ITEMS);
  const rest = total - shown.length;
  const date = formatInstantDay(day);
  const lead = `Tổng hợp ngày ${date}: anh/chị có ${total} thông báo mới cần xem, xử lý.`;
  const all = `${ctx.publicUrl}/notifications`;
  const more = `Và ${rest} thông báo khác`;
  return {
    subject: `[${PRODUCT}] ${total} thông báo cần xem, xử lý — tổng hợp ngày ${date}`,
    ...page(
      ctx,
      [
        lead,
        '',
        shown.map((it, i) => itemText(ctx, it, `${i + 1}. `)).join('\n\n'),
        ...(rest > 0 ? ['', `${more}: ${all}`] : []),
      ],
      [
        `<p>${escapeHtml(lead)}</p><ol>`,
        ...shown.map((it) => `<li>${itemHtml(ctx, it)}</li>`),
        '</ol>',
        ...(rest > 0 ? [`<p>${more}: <a href="${escapeHtml(all)}">${escapeHtml(all)}</a></p>`] : []),
      ],
    ),
  };
}
