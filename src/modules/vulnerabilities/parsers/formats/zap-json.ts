// OWASP ZAP's JSON report (the "Traditional JSON Report": `{"@programName": "ZAP", "site": [{"@name": …, "alerts":
// […]}]}`). Values are taken one at a time — an alert's fields, each of its instances — so an alert with many
// instances (and their requests and responses, in the "-plus" variant) is never held whole; each alert then goes
// through the XML report's mapping (zap.ts).
import { truncate } from '../fields.ts';
import { jsonKeys, jsonStart } from '../format.ts';
import { type JsonHandler, type JsonPath, jsonFormat } from '../json-stream.ts';
import type { EventSink } from '../sink.ts';
import type { ParseOptions, SourcePosition } from '../types.ts';
import { type TextBudget, textBudgets } from '../xml-stream.ts';
import { ZAP_ALERT_FIELDS, ZAP_INSTANCE_FIELDS, ZapAlert, ZapReport } from './zap.ts';

const SITE_KEYS = ['@name', '@host', '@port', '@ssl'];
const ALERTS = '$.site.*.alerts.*';

/** A scalar as text bounded by `limit` (ZAP writes numbers as strings, other tools as numbers); else undefined. */
function scalar(value: unknown, limit: number): string | undefined {
  if (typeof value === 'string') return truncate(value, limit);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

class ZapJsonHandler implements JsonHandler {
  readonly paths = [
    '$.@generated',
    '$.created',
    ...SITE_KEYS.map((key) => `$.site.*.${key}`),
    ...[...ZAP_ALERT_FIELDS.keys()].map((key) => `${ALERTS}.${key}`),
    `${ALERTS}.instances.*`,
  ];
  private readonly report: ZapReport;
  private readonly budget: Record<TextBudget, number>;
  private readonly times: { created?: string; generated?: string } = {};
  /** The site being read: its attributes come first, then its alerts. */
  private site: { index: unknown; attrs: Record<string, string>; at: SourcePosition; told: boolean } | null = null;
  private alert: { index: unknown; alert: ZapAlert } | null = null;

  constructor(sink: EventSink, limits: Required<ParseOptions>) {
    this.report = new ZapReport(sink, limits);
    this.budget = textBudgets(limits);
  }

  value(value: unknown, path: JsonPath, at: SourcePosition): void {
    const [top, siteIndex, key, alertIndex, field] = path;
    if (path.length === 1) {
      const text = scalar(value, this.budget.short);
      if (top === 'created') this.times.created = text;
      else this.times.generated = text;
      this.report.times(this.times.created, this.times.generated);
      return;
    }
    let site = this.site;
    if (!site || site.index !== siteIndex) {
      this.closeSite();
      site = this.site = { index: siteIndex, attrs: {}, at, told: false };
    }
    if (path.length === 3) {
      const text = scalar(value, this.budget.short);
      if (text !== undefined) site.attrs[String(key).slice(1)] = text;
      return;
    }
    this.tellSite();
    let open = this.alert;
    if (!open || open.index !== alertIndex) {
      this.closeAlert();
      open = this.alert = { index: alertIndex, alert: new ZapAlert(at) };
    }
    const alert = open.alert;
    if (field === 'instances') this.report.instance(alert, this.instanceFields(value), at);
    else {
      const budget = ZAP_ALERT_FIELDS.get(String(field));
      const text = budget && scalar(value, this.budget[budget]);
      if (text !== undefined) alert.fields.set(String(field), text);
    }
  }

  finish(): void {
    this.closeSite();
    this.report.finish();
  }

  /** As in the XML report, the alert open at the cut is left out. */
  abort(): void {
    this.report.abort();
  }

  private instanceFields(value: unknown): Map<string, string> {
    const fields = new Map<string, string>();
    if (typeof value !== 'object' || value === null) return fields;
    for (const [name, budget] of ZAP_INSTANCE_FIELDS) {
      const text = scalar((value as Record<string, unknown>)[name], this.budget[budget]);
      if (text !== undefined) fields.set(name, text);
    }
    return fields;
  }

  /** The site's attributes are all read once its first alert value comes (or the next site, or the end). */
  private tellSite(): void {
    if (this.site && !this.site.told) {
      this.site.told = true;
      this.report.site(this.site.attrs, this.site.at);
    }
  }

  private closeAlert(): void {
    if (this.alert) this.report.alert(this.alert.alert);
    this.alert = null;
  }

  private closeSite(): void {
    this.closeAlert();
    this.tellSite();
    this.site = null;
  }
}

export const zapJsonFormat = jsonFormat({
  format: 'zap-json',
  scanner: 'zap',
  subject: 'website',
  label: 'OWASP ZAP JSON',
  detect: (head) => {
    if (jsonStart(head) !== '{') return false;
    const keys = jsonKeys(head);
    return keys.has('@generated') && keys.has('site');
  },
  handler: (sink, limits) => new ZapJsonHandler(sink, limits),
});
