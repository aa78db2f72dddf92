// Zeek JSON logs (LogAscii::use_json): one object per line, flat "id.orig_h" keys or a nested
// "id" object, timestamps as epoch numbers or ISO strings.

import { type FlowEvent, type NameEvent, Outcome } from '../engine/types.ts';
import { address, portNumber, timestampSeconds } from './fields.ts';
import type { LineParser, ParseSink } from './types.ts';
import { connOutcome, historyHasData, zeekLogKind, zeekProtocol } from './zeek-records.ts';

type JsonRecord = Record<string, unknown>;

function idField(record: JsonRecord, name: string): unknown {
  const flat = record[`id.${name}`];
  if (flat !== undefined) return flat;
  const id = record.id;
  return id && typeof id === 'object' ? (id as JsonRecord)[name] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export class ZeekJsonParser implements LineParser {
  records = 0;

  constructor(
    private readonly input: string,
    private readonly sink: ParseSink,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (start === end) return;
    let record: JsonRecord;
    try {
      const parsed: unknown = JSON.parse(buf.toString('utf8', start, end));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      record = parsed as JsonRecord;
    } catch {
      this.sink.reject(lineNumber, 'invalid JSON');
      return;
    }
    const ts = timestampSeconds(record.ts);
    const src = address(idField(record, 'orig_h'));
    const dst = address(idField(record, 'resp_h'));
    const srcPort = portNumber(idField(record, 'orig_p'));
    const dstPort = portNumber(idField(record, 'resp_p'));
    if (Number.isNaN(ts) || src === null || dst === null || srcPort < 0 || dstPort < 0) {
      this.sink.reject(lineNumber, Number.isNaN(ts) ? 'invalid ts' : 'invalid or missing id.* fields');
      return;
    }
    const log = zeekLogKind(typeof record._path === 'string' ? record._path : undefined, (name) => name in record);
    const origin = { input: this.input, line: lineNumber, ts, src, dst, srcPort };
    if (log === 'conn' || log === 'other') {
      const proto = zeekProtocol(text(record.proto), typeof src === 'string');
      const isIcmp = proto === 1 || proto === 58;
      const flow: FlowEvent = {
        ...origin,
        kind: 'flow',
        dstPort: isIcmp ? srcPort : dstPort,
        proto,
        outcome:
          log === 'conn'
            ? connOutcome(
                proto,
                text(record.conn_state),
                historyHasData(text(record.history)),
                typeof record.resp_pkts === 'number' ? record.resp_pkts : -1,
                srcPort,
              )
            : Outcome.Unknown,
      };
      if (log === 'conn' && proto === 0) {
        this.sink.reject(lineNumber, 'invalid proto');
        return;
      }
      this.records++;
      this.sink.emit(flow);
      return;
    }
    const name = text(log === 'dns' ? record.query : log === 'ssl' ? record.server_name : record.host);
    const uri = log === 'http' ? text(record.uri) : '';
    const event: NameEvent = {
      ...origin,
      kind: log === 'dns' ? 'dns' : log === 'ssl' ? 'tls' : 'http',
      dstPort,
      name,
      url: name && uri ? `http://${name}${uri}` : undefined,
    };
    this.records++;
    this.sink.emit(event);
  }
}
