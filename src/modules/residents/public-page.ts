import { readFileSync } from 'node:fs';
import { fromRoot } from '../../core/paths.ts';
import { PROVINCE_TIME_ZONE } from '../../core/time.ts';
import type { SiteTrust } from '../sites/index.ts';
import { REPORT_DESCRIPTION_MAX, SCAM_CATEGORIES, type ScamCategory } from './residents.input.ts';

/**
 * The residents' page as server-rendered HTML: no script at all (the app's CSP allows none inline), one small
 * stylesheet, readable on a phone first. Every text comes from the residents' Vietnamese strings (the same file the
 * web UI uses), every value is escaped.
 */

type Strings = { [key: string]: string | Strings };
const STRINGS = (
  JSON.parse(readFileSync(fromRoot('src/web/i18n/residents/vi.json'), 'utf8')) as {
    residents: Strings;
  }
).residents;

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The Vietnamese text at `path` (under `residents.`), escaped, with `{{name}}` filled by escaped values. */
export function text(path: string, params: Record<string, string | number> = {}): string {
  let node: string | Strings | undefined = STRINGS;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`missing residents string ${path}`);
  return escapeHtml(node).replace(/\{\{(\w+)\}\}/g, (_, k: string) => escapeHtml(String(params[k] ?? '')));
}

const day = (ymd: string) => `${ymd.slice(8, 10)}/${ymd.slice(5, 7)}/${ymd.slice(0, 4)}`;
const instant = (at: Date | string) =>
  new Intl.DateTimeFormat('vi-VN', {
    timeZone: PROVINCE_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(new Date(at));

/** Plain text as paragraphs: blank lines separate them, single line breaks are kept. */
const paragraphs = (body: string) =>
  body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

/** The description's limit as residents read numbers (4.000). */
const MAX_TEXT = REPORT_DESCRIPTION_MAX.toLocaleString('vi-VN');

export const PUBLIC_BASE = '/nguoi-dan';
export const paths = {
  home: PUBLIC_BASE,
  style: `${PUBLIC_BASE}/style.css`,
  warning: (id: string) => `${PUBLIC_BASE}/canh-bao/${id}`,
  check: `${PUBLIC_BASE}/kiem-tra`,
  report: `${PUBLIC_BASE}/phan-anh`,
  thanks: `${PUBLIC_BASE}/phan-anh/da-gui`,
};

function layout(title: string, main: string, styleVersion: string) {
  const nav = (['warnings', 'check', 'guidance', 'report'] as const)
    .map((k) => {
      const href = k === 'report' ? paths.report : `${paths.home}#${ANCHORS[k]}`;
      return `<li><a href="${href}">${text(`public.nav.${k}`)}</a></li>`;
    })
    .join('');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${text('public.siteName')}</title>
<meta name="description" content="${text('public.homeLead')}">
<link rel="stylesheet" href="${paths.style}?v=${styleVersion}">
</head>
<body>
<a class="skip" href="#noi-dung">${text('public.skip')}</a>
<header class="top">
<div class="wrap">
<a class="brand" href="${paths.home}">${text('public.siteName')}</a>
<nav aria-label="${text('public.siteName')}"><ul>${nav}</ul></nav>
</div>
</header>
<main id="noi-dung" class="wrap">
${main}
</main>
<footer class="foot"><div class="wrap"><p>${text('public.footer')}</p></div></footer>
</body>
</html>
`;
}

const ANCHORS = { warnings: 'canh-bao', check: 'kiem-tra', guidance: 'huong-dan', report: 'phan-anh' } as const;

type PublicWarning = {
  id: string;
  title: string;
  summary: string;
  body: string;
  category: ScamCategory;
  publishedOn: string;
};
type PublicGuidance = { id: string; title: string; body: string };

const categoryName = (c: ScamCategory) => text(`categories.${c}`);

function checkForm(value = '', id = 'host') {
  return `<form class="check" method="get" action="${paths.check}" role="search">
<label for="${id}">${text('public.checkLabel')}</label>
<div class="row">
<input id="${id}" name="host" type="text" inputmode="url" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="300" required value="${escapeHtml(value)}">
<button type="submit">${text('public.checkButton')}</button>
</div>
</form>`;
}

export function homePage(warnings: PublicWarning[], guidance: PublicGuidance[], styleVersion: string) {
  const list = warnings.length
    ? `<ul class="cards">${warnings
        .map(
          (w) => `<li class="card">
<h3><a href="${paths.warning(w.id)}">${escapeHtml(w.title)}</a></h3>
<p class="meta"><span class="tag">${categoryName(w.category)}</span> ${text('public.publishedOn', { day: day(w.publishedOn) })}</p>
<p>${escapeHtml(w.summary)}</p>
</li>`,
        )
        .join('\n')}</ul>`
    : `<p>${text('public.noWarnings')}</p>`;
  const guide = guidance.length
    ? guidance
        .map(
          (g) => `<details class="guide">
<summary>${escapeHtml(g.title)}</summary>
${paragraphs(g.body)}
</details>`,
        )
        .join('\n')
    : `<p>${text('public.noGuidance')}</p>`;
  const main = `<h1>${text('public.homeTitle')}</h1>
<p class="lead">${text('public.homeLead')}</p>
<section id="${ANCHORS.check}" class="panel" aria-labelledby="h-check">
<h2 id="h-check">${text('public.checkTitle')}</h2>
<p>${text('public.checkLead')}</p>
${checkForm()}
</section>
<section id="${ANCHORS.warnings}" aria-labelledby="h-warnings">
<h2 id="h-warnings">${text('public.warningsTitle')}</h2>
${list}
</section>
<section id="${ANCHORS.guidance}" aria-labelledby="h-guidance">
<h2 id="h-guidance">${text('public.guidanceTitle')}</h2>
${guide}
</section>
<section id="${ANCHORS.report}" class="panel" aria-labelledby="h-report">
<h2 id="h-report">${text('public.reportTitle')}</h2>
<p>${text('public.reportLead')}</p>
<p><a class="button" href="${paths.report}">${text('public.form.submit')}</a></p>
</section>`;
  return layout(text('public.homeTitle'), main, styleVersion);
}

export function warningPage(w: PublicWarning, styleVersion: string) {
  const main = `<article class="warning">
<h1>${escapeHtml(w.title)}</h1>
<p class="meta"><span class="tag">${categoryName(w.category)}</span> ${text('public.publishedOn', { day: day(w.publishedOn) })}</p>
<p class="lead">${escapeHtml(w.summary)}</p>
${paragraphs(w.body)}
</article>
<p><a class="button" href="${paths.report}">${text('public.form.submit')}</a></p>
<p><a href="${paths.home}">${text('public.backHome')}</a></p>`;
  return layout(escapeHtml(w.title), main, styleVersion);
}

const VERDICT_CLASS = { pass: 'ok', warn: 'warn', fail: 'bad', skip: 'muted' } as const;

export function checkPage(host: string | null, input: string, trust: SiteTrust | null, styleVersion: string) {
  let result = '';
  if (host === null) result = `<p class="notice bad" id="check-error">${text('public.checkInvalid')}</p>`;
  else if (trust?.registered) {
    const latest = trust.latest;
    const rows = latest
      ? `<p>${text('public.latestCheck', { when: instant(latest.checkedAt) })}: <strong class="v-${VERDICT_CLASS[latest.verdict]}">${text(`public.verdict.${latest.verdict}`)}</strong></p>
<table class="checks">
<caption class="sr-only">${text('public.latestCheck', { when: instant(latest.checkedAt) })}</caption>
<thead><tr><th scope="col">${text('public.criterion')}</th><th scope="col">${text('public.result')}</th></tr></thead>
<tbody>${latest.results
          .map(
            (r) =>
              `<tr><th scope="row">${checkName(r.check)}</th><td class="v-${VERDICT_CLASS[r.verdict]}">${text(`public.verdict.${r.verdict}`)}</td></tr>`,
          )
          .join('')}</tbody>
</table>`
      : `<p>${text('public.noCheckYet')}</p>`;
    result = `<div class="notice ok" data-result="registered">
<p><strong>${text('public.registered', { organisation: trust.organisation.name })}</strong></p>
<p>${text('public.registeredUrl')} <a href="${escapeHtml(trust.url)}" rel="noopener">${escapeHtml(trust.url)}</a></p>
</div>
${rows}`;
  } else
    result = `<div class="notice bad" data-result="not-registered">
<p><strong>${text('public.notRegistered')}</strong></p>
<p>${text('public.notRegisteredAdvice')}</p>
<p><a class="button" href="${paths.report}?nghi-van=${encodeURIComponent(host)}">${text('public.reportThis')}</a></p>
</div>`;
  const title = text('public.checkResultTitle', { host: host ?? input });
  const main = `<h1>${title}</h1>
${result}
<section class="panel" aria-labelledby="h-again">
<h2 id="h-again">${text('public.checkTitle')}</h2>
${checkForm(input)}
</section>
<p><a href="${paths.home}">${text('public.backHome')}</a></p>`;
  return layout(title, main, styleVersion);
}

/** A criterion's Vietnamese name; a criterion added later than these strings shows its code. */
function checkName(check: string) {
  try {
    return text(`public.checks.${check}`);
  } catch {
    return escapeHtml(check);
  }
}

export type ReportFormValues = Partial<
  Record<'category' | 'description' | 'suspect' | 'reporterName' | 'reporterContact', string>
>;
export type ReportFormErrors = string[];

export function reportPage(values: ReportFormValues, errors: ReportFormErrors, token: string, styleVersion: string) {
  const field = (name: string) => (errors.includes(name) ? ' aria-invalid="true"' : '');
  const describedBy = (name: string, hint?: string) => {
    const ids = [hint, errors.includes(name) ? `err-${name}` : undefined].filter(Boolean);
    return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
  };
  const errorLine = (name: string) =>
    errors.includes(name)
      ? `<p class="field-error" id="err-${name}">${text(`public.errors.${name}`, { max: MAX_TEXT })}</p>`
      : '';
  const summary = errors.length
    ? `<div class="notice bad" id="form-errors" tabindex="-1">
<h2>${text('public.errorsTitle')}</h2>
<ul>${errors
        .map((e) =>
          ['too_fast', 'too_old', 'invalid'].includes(e)
            ? `<li>${text(`public.errors.${e}`)}</li>`
            : `<li><a href="#f-${e}">${text(`public.errors.${e}`, { max: MAX_TEXT })}</a></li>`,
        )
        .join('')}</ul>
</div>`
    : '';
  const v = (k: keyof ReportFormValues) => escapeHtml(values[k] ?? '');
  const options = SCAM_CATEGORIES.map(
    (c) => `<option value="${c}"${values.category === c ? ' selected' : ''}>${categoryName(c)}</option>`,
  ).join('');
  const main = `<h1>${text('public.reportTitle')}</h1>
<p class="lead">${text('public.reportLead')}</p>
<p class="notice warn">${text('public.reportUrgent')}</p>
${summary}
<form class="report" method="post" action="${paths.report}">
<div class="field">
<label for="f-category">${text('public.form.category')}</label>
<select id="f-category" name="category" required${field('category')}${describedBy('category')}>
<option value="">—</option>${options}
</select>
${errorLine('category')}
</div>
<div class="field">
<label for="f-description">${text('public.form.description')}</label>
<p class="hint" id="hint-description">${text('public.form.descriptionHint', { max: MAX_TEXT })}</p>
<textarea id="f-description" name="description" rows="7" minlength="20" maxlength="${REPORT_DESCRIPTION_MAX}" required${field('description')}${describedBy('description', 'hint-description')}>${v('description')}</textarea>
${errorLine('description')}
</div>
<div class="field">
<label for="f-suspect">${text('public.form.suspect')}</label>
<input id="f-suspect" name="suspect" type="text" maxlength="500" autocomplete="off" value="${v('suspect')}"${field('suspect')}${describedBy('suspect')}>
${errorLine('suspect')}
</div>
<div class="field">
<label for="f-reporterName">${text('public.form.reporterName')}</label>
<input id="f-reporterName" name="reporterName" type="text" maxlength="120" autocomplete="name" value="${v('reporterName')}"${field('reporterName')}${describedBy('reporterName')}>
${errorLine('reporterName')}
</div>
<div class="field">
<label for="f-reporterContact">${text('public.form.reporterContact')}</label>
<input id="f-reporterContact" name="reporterContact" type="text" maxlength="200" autocomplete="tel" value="${v('reporterContact')}"${field('reporterContact')}${describedBy('reporterContact')}>
${errorLine('reporterContact')}
</div>
<div class="hp">
<label for="f-website">${text('public.form.website')}</label>
<input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<input type="hidden" name="t" value="${escapeHtml(token)}">
<p class="hint">${text('public.form.privacy')}</p>
<button type="submit">${text('public.form.submit')}</button>
</form>
<p><a href="${paths.home}">${text('public.backHome')}</a></p>`;
  return layout(text('public.reportTitle'), main, styleVersion);
}

export function thanksPage(code: string | null, styleVersion: string) {
  const main = `<h1>${text('public.thanksTitle')}</h1>
<div class="notice ok"><p>${code ? text('public.thanks', { code }) : text('public.thanksNoCode')}</p></div>
<p>${text('public.thanksNext')}</p>
<p>${text('public.reportUrgent')}</p>
<p><a href="${paths.home}">${text('public.backHome')}</a></p>`;
  return layout(text('public.thanksTitle'), main, styleVersion);
}

export function messagePage(message: string, styleVersion: string) {
  const main = `<h1>${text('public.errorTitle')}</h1>
<p class="notice bad">${message}</p>
<p><a href="${paths.home}">${text('public.backHome')}</a></p>`;
  return layout(text('public.errorTitle'), main, styleVersion);
}
