// `nfdump -o csv` output: a header line naming the columns (ts,te,td,sa,da,sp,dp,pr,flg,…),
// one unidirectional flow per line, then a "Summary" block that is not flow data.

import { type FlowEvent, isIcmpProtocol, Outcome, Protocol } from '../engine/types.ts';
import { address, outcomeFromTcpFlags, portNumber, protocolNumber, tcpFlagsFromLetters } from './fields.ts';
import type { LineParser, ParseSink } from './types.ts';

const aliases = {
  ts: ['ts', 'firstseen', 'first'],
  sa: ['sa', 'srcaddr', 'src4addr', 'src6addr'],
  da: ['da', 'dstaddr', 'dst4addr', 'dst6addr'],
  sp: ['sp', 'srcport'],
  dp: ['dp', 'dstport'],
  pr: ['pr', 'proto'],
  flg: ['flg', 'tcpflags', 'flags'],
} satisfies Record<string, string[]>;
type Column = keyof typeof aliases;

/** nfdump prints local time "YYYY-MM-DD hh:mm:ss[.mmm]" (in its TZ, as ours); epoch numbers are accepted too. */
function nfdumpTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const match = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)$/.exec(text.trim());
  if (!match) return Number.NaN;
  return new Date(`${match[1]}T${match[2]}`).getTime() / 1000;
}

export class NfdumpCsvParser implements LineParser {
  records = 0;
  private columns: Record<Column, number> | null = null;
  private width = 0;
  private inSummary = false;

  constructor(
    private readonly input: string,
    private readonly sink: ParseSink,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end || this.inSummary) return;
    const text = buf.toString('utf8', start, end);
    if (text === 'Summary' || text.startsWith('No matched flows')) {
      this.inSummary = true;
      return;
    }
    const cells = text.split(',');
    const columns = this.columns;
    if (!columns) {
      this.header(cells, lineNumber);
      return;
    }
    if (cells.length !== this.width) {
      this.sink.reject(lineNumber, `expected ${this.width} fields, found ${cells.length}`);
      return;
    }
    const cell = (name: Column) => (columns[name] >= 0 ? (cells[columns[name]] ?? '').trim() : '');
    const ts = nfdumpTime(cell('ts'));
    const src = address(cell('sa'));
    const dst = address(cell('da'));
    const proto = protocolNumber(cell('pr'));
    const srcPort = portNumber(cell('sp'));
    // nfdump shows ICMP type.code in the destination port column (e.g. "8.0").
    const dpText = cell('dp');
    const isIcmp = isIcmpProtocol(proto);
    const dstPort = isIcmp ? portNumber(dpText.split('.')[0]) : portNumber(dpText);
    if (Number.isNaN(ts) || src === null || dst === null || proto < 0 || srcPort < 0 || dstPort < 0) {
      const field = Number.isNaN(ts) ? 'ts' : src === null ? 'sa' : dst === null ? 'da' : proto < 0 ? 'pr' : 'port';
      this.sink.reject(lineNumber, `invalid ${field}`);
      return;
    }
    const event: FlowEvent = {
      kind: 'flow',
      input: this.input,
      line: lineNumber,
      ts,
      src,
      dst,
      srcPort,
      dstPort,
      proto,
      outcome: proto === Protocol.Tcp ? outcomeFromTcpFlags(tcpFlagsFromLetters(cell('flg'))) : Outcome.Unknown,
    };
    this.records++;
    this.sink.emit(event);
  }

  private header(cells: string[], lineNumber: number): void {
    const names = cells.map((c) => c.trim().toLowerCase());
    const find = (name: Column) => names.findIndex((n) => (aliases[name] as string[]).includes(n));
    const columns = {
      ts: find('ts'),
      sa: find('sa'),
      da: find('da'),
      sp: find('sp'),
      dp: find('dp'),
      pr: find('pr'),
      flg: find('flg'),
    };
    if (columns.ts < 0 || columns.sa < 0 || columns.da < 0 || columns.pr < 0) {
      this.sink.reject(lineNumber, 'not an nfdump CSV header (needs ts, sa, da, pr)');
      return;
    }
    this.columns = columns;
    this.width = cells.length;
  }
}
