// OpenSCAP XCCDF results (`oscap xccdf eval --results`): a Benchmark whose Rules come before its TestResult, a bare
// TestResult, or an ARF `asset-report-collection` wrapping both. Each TestResult is one computer (its `target` and
// `target-address`); each rule it failed is a finding on it. The results name rules by id only, so a summary of every
// Rule (title, severity, CVEs, description, fix) is kept until the results come, within MAX_RULE_TEXT.
import { addUnique, BoundedText, compact, extractCves, normaliseMac, parseIp, textTime, truncate } from '../fields.ts';
import { localName, xmlFormat } from '../format.ts';
import { severityFromLabel } from '../severity.ts';
import { MAX_RUN } from '../sink.ts';
import type { Finding, ScannedHost, Severity, SourcePosition } from '../types.ts';
import { FormatHandler } from '../xml-stream.ts';

/** Characters of rule summaries kept in all (about 32 MB at most); later rules are known by their id only. */
export const MAX_RULE_TEXT = 16_000_000;
/** What a kept rule costs besides its text (its map entry), in characters: bounds the number of rules too. */
const RULE_ENTRY = 100;
/** Addresses and MAC facts read per TestResult, idents per rule or result, messages per result. */
const MAX_LIST = 256;

/** Elements whose markup (XHTML in descriptions) ends a line of their text. */
const BLOCK = new Set(['p', 'br', 'li', 'div', 'pre', 'tr', 'ul', 'ol']);

/** Addresses that do not tell computers apart: loopback, unspecified, link-local. */
const LOCAL_ONLY = /^(127\.|0\.0\.0\.0$|169\.254\.|::1?$|fe[89ab][0-9a-f]:)/i;

/** What a result needs from its Rule. */
interface RuleSummary {
  title?: string;
  severity?: string;
  cves: string[];
  description?: string;
  solution?: string;
}

interface OpenRule extends RuleSummary {
  id: string;
  depth: number;
  /** A `fix` script, used when the rule has no `fixtext`. */
  fix?: string;
}

/** Text of an element with its markup's text (XHTML descriptions), gathered until it closes. */
interface Deep {
  field: 'description' | 'solution' | 'fix';
  depth: number;
  text: BoundedText;
}

interface OpenTest {
  depth: number;
  position: SourcePosition;
  start?: string;
  end?: string;
  target?: string;
  addresses: string[];
  macs: string[];
  /** Resolved at the first failed rule (addresses come before the results); null when there is no usable one. */
  identity?: ScannedHost | null;
  findings: Finding[];
  /** Whether a record of it was emitted already. */
  emitted: boolean;
  /** Failed rules left out for want of an address. */
  dropped: number;
}

interface OpenResult {
  depth: number;
  position: SourcePosition;
  idref: string;
  severity?: string;
  result?: string;
  idents: string[];
  messages: string[];
}

/** The XCCDF rating: `unknown` (its default) and a missing one are `low`, a failed check being something to fix. */
function ratingOf(label: string | undefined): Severity | undefined {
  const value = label?.trim().toLowerCase() ?? '';
  return value === '' || value === 'unknown' ? 'low' : severityFromLabel(value);
}

export class OpenScapHandler extends FormatHandler {
  private readonly rules = new Map<string, RuleSummary>();
  private ruleText = MAX_RULE_TEXT;
  private rule: OpenRule | null = null;
  private deep: Deep | null = null;
  private test: OpenTest | null = null;
  private result: OpenResult | null = null;
  /** The `fact` being read: a MAC address. */
  private inMac = false;
  private sawTest = false;
  private rootPosition: SourcePosition | undefined;

  override text(text: string): void {
    if (this.deep) this.deep.text.append(text);
    else this.capture.text(text);
  }

  override wantsText(): boolean {
    return this.deep !== null || this.capture.wants();
  }

  open(name: string, attrs: Record<string, string>): void {
    const local = localName(name);
    const depth = this.cursor.depth;
    this.rootPosition ??= this.cursor.here();
    if (this.deep) {
      if (BLOCK.has(local)) this.deep.text.append('\n');
    } else if (this.result) {
      if (depth !== this.result.depth + 1) return;
      if (local === 'result' || local === 'ident') this.capture.start(this.budget.short);
      else if (local === 'message') this.capture.start(this.budget.output);
    } else if (this.test) {
      const test = this.test;
      if (depth === test.depth + 1 && local === 'rule-result') {
        this.result = {
          depth,
          position: this.cursor.here(),
          idref: attrs.idref?.trim() ?? '',
          severity: attrs.severity,
          idents: [],
          messages: [],
        };
      } else if (depth === test.depth + 1 && (local === 'target' || local === 'target-address')) {
        this.capture.start(this.budget.short);
      } else if (local === 'fact' && attrs.name === 'urn:xccdf:fact:ethernet:MAC') {
        this.inMac = true;
        this.capture.start(this.budget.short);
      }
    } else if (local === 'TestResult') {
      this.sawTest = true;
      this.test = {
        depth,
        position: this.cursor.here(),
        start: attrs['start-time'],
        end: attrs['end-time'],
        addresses: [],
        macs: [],
        findings: [],
        emitted: false,
        dropped: 0,
      };
    } else if (this.rule) {
      const rule = this.rule;
      if (depth !== rule.depth + 1) return;
      if ((local === 'title' && rule.title === undefined) || local === 'ident') this.capture.start(this.budget.short);
      else if (local === 'description' && rule.description === undefined) this.startDeep('description');
      else if (local === 'fixtext' && rule.solution === undefined) this.startDeep('solution');
      else if (local === 'fix' && rule.fix === undefined) this.startDeep('fix');
    } else if (local === 'Rule' && attrs.id) {
      this.rule = { id: attrs.id.trim(), depth, severity: attrs.severity, cves: [] };
    }
  }

  close(name: string): void {
    const local = localName(name);
    const depth = this.cursor.depth;
    const deep = this.deep;
    if (deep) {
      if (depth === deep.depth && this.rule) {
        this.rule[deep.field] = deep.text.toString() || undefined;
        this.deep = null;
      } else if (BLOCK.has(local)) deep.text.append('\n');
      return;
    }
    const value = this.capture.take();
    if (this.result) {
      const result = this.result;
      if (depth === result.depth) {
        if (this.test) this.closeResult(this.test, result);
        this.result = null;
      } else if (value !== undefined) {
        if (local === 'result') result.result = value;
        else if (local === 'ident' && result.idents.length < MAX_LIST) result.idents.push(value);
        else if (local === 'message' && value && result.messages.length < MAX_LIST) result.messages.push(value);
      }
    } else if (this.test) {
      const test = this.test;
      if (depth === test.depth) {
        this.closeTest(test, true);
        this.test = null;
      } else if (value !== undefined) {
        if (local === 'target') test.target = value;
        else if (local === 'target-address' && test.addresses.length < MAX_LIST) test.addresses.push(value);
        else if (local === 'fact' && this.inMac && test.macs.length < MAX_LIST) test.macs.push(value);
        this.inMac = false;
      }
    } else if (this.rule) {
      const rule = this.rule;
      if (depth === rule.depth) {
        this.keepRule(rule);
        this.rule = null;
      } else if (value !== undefined) {
        if (local === 'title') rule.title = value;
        else if (local === 'ident' && rule.cves.length < MAX_LIST) addUnique(rule.cves, extractCves(value));
      }
    }
  }

  override finish(): void {
    if (!this.sawTest && this.rootPosition)
      this.sink.issue(
        'missing-field',
        'no TestResult: a benchmark without results says nothing about any computer',
        this.rootPosition,
      );
  }

  abort(): void {
    if (this.test) this.closeTest(this.test, false);
    this.test = null;
    this.result = null;
  }

  private startDeep(field: Deep['field']): void {
    this.deep = { field, depth: this.cursor.depth, text: new BoundedText(this.budget.text) };
  }

  /** Keeps what results will need of a rule while the budget lasts; says once when it no longer does. */
  private keepRule(rule: OpenRule): void {
    const summary: RuleSummary = compact({
      title: rule.title,
      severity: rule.severity,
      cves: rule.cves,
      description: rule.description,
      solution: rule.solution ?? rule.fix,
    });
    const size =
      RULE_ENTRY +
      rule.id.length +
      (summary.title?.length ?? 0) +
      (summary.description?.length ?? 0) +
      (summary.solution?.length ?? 0) +
      summary.cves.length * 16;
    if (size > this.ruleText) {
      if (this.ruleText >= 0)
        this.sink.issue(
          'missing-field',
          `rule definitions beyond ${MAX_RULE_TEXT} characters are not kept: results of rule ${truncate(rule.id, 200)} ` +
            'and later ones are named by their id, rated by the result',
          this.cursor.here(),
        );
      this.ruleText = -1;
      return;
    }
    this.ruleText -= size;
    this.rules.set(rule.id, summary);
  }

  private identity(test: OpenTest): ScannedHost | null {
    if (test.identity !== undefined) return test.identity;
    const addresses = test.addresses.map((a) => parseIp(a));
    const index = addresses.findIndex((a) => a !== undefined && !LOCAL_ONLY.test(a.ip));
    const address = addresses[index];
    if (!address) {
      test.identity = null;
      return null;
    }
    // OpenSCAP writes one MAC fact per address, in the same order, when it can read every interface's.
    const mac = test.macs.length === test.addresses.length ? normaliseMac(test.macs[index]) : undefined;
    const target = test.target && !parseIp(test.target) ? test.target : undefined;
    test.identity = compact({
      ...address,
      hostname: target,
      mac: mac === '00:00:00:00:00:00' ? undefined : mac,
      scanStart: textTime(test.start),
      scanEnd: textTime(test.end),
    });
    return test.identity;
  }

  private closeResult(test: OpenTest, result: OpenResult): void {
    // Only a failed rule says the computer is exposed; error, unknown, notchecked and the rest say nothing of it.
    if (result.result?.toLowerCase() !== 'fail') return;
    if (!result.idref) {
      this.sink.issue('missing-field', 'failed rule-result has no idref', result.position, 1);
      return;
    }
    if (!this.identity(test)) {
      test.dropped++;
      return;
    }
    const rule = this.rules.get(result.idref);
    const written = result.severity ?? rule?.severity;
    let severity = ratingOf(written);
    if (!severity) {
      severity = ratingOf(rule?.severity) ?? 'low';
      this.sink.issue(
        'invalid-severity',
        `severity "${truncate(written ?? '', 50)}" is not an XCCDF severity; rated ${severity}`,
        result.position,
      );
    }
    const cves: string[] = [];
    for (const ident of result.idents) addUnique(cves, extractCves(ident));
    addUnique(cves, rule?.cves ?? []);
    const idref = truncate(result.idref, this.budget.short);
    test.findings.push(
      compact(
        {
          scanner: 'openscap',
          scannerId: idref,
          name: rule?.title || idref,
          severity,
          scannerRating: written,
          cves,
          port: 0,
          protocol: '',
          description: rule?.description,
          solution: rule?.solution,
          output: result.messages.length ? truncate(result.messages.join('\n'), this.budget.output) : undefined,
          position: result.position,
        } satisfies Finding,
        'protocol',
      ),
    );
    if (test.findings.length >= MAX_RUN) this.emit(test, true);
  }

  private emit(test: OpenTest, complete: boolean): void {
    const identity = this.identity(test);
    if (!identity) return;
    this.sink.host({ host: identity, findings: test.findings, position: test.position, complete });
    test.findings = [];
    test.emitted = true;
  }

  /** Its last record (the only one of a computer that failed nothing: it was scanned), or why it has none. */
  private closeTest(test: OpenTest, complete: boolean): void {
    if (this.identity(test)) {
      if (test.findings.length || !test.emitted) this.emit(test, complete);
      return;
    }
    const addresses = test.addresses.join(', ');
    const what = test.target ? `TestResult of "${truncate(test.target, 200)}"` : 'TestResult';
    this.sink.issue(
      addresses ? 'invalid-ip' : 'missing-field',
      addresses
        ? `${what} has no address but loopback, link-local or invalid ones (${truncate(addresses, 200)}): ` +
            `it does not say which computer it is; its ${test.dropped} failed rules were not imported`
        : `${what} has no target-address; its ${test.dropped} failed rules were not imported`,
      test.position,
      test.dropped,
    );
  }
}

/** XCCDF 1.1/1.2 results or ARF 1.1, by the namespaces on the root element. */
const XCCDF_OR_ARF = /checklists\.nist\.gov\/xccdf\/|scap\.nist\.gov\/schema\/asset-reporting-format\//;

export const openscapFormat = xmlFormat({
  format: 'openscap',
  scanner: 'openscap',
  subject: 'host',
  label: 'OpenSCAP XCCDF results / ARF',
  roots: ['Benchmark', 'TestResult', 'asset-report-collection'],
  also: (head) => XCCDF_OR_ARF.test(head.xmlRoot?.tag ?? ''),
  handler: (cursor, sink, limits) => new OpenScapHandler(cursor, sink, limits),
});
