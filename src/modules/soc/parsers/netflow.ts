// NetFlow v5, v9 (RFC 3954) and IPFIX (RFC 7011) datagram decoding. Pure: bytes in, flow
// events out. v9/IPFIX templates are kept per exporter + observation domain (source id).

import { formatIPv6, type IpKey } from '../../../core/net/ip.ts';
import { type FlowEvent, isIcmpProtocol, Outcome, Protocol } from '../engine/types.ts';
import { outcomeFromTcpFlags } from './fields.ts';

/** Information elements we read (same numbers in NetFlow v9 and IPFIX). */
const Field = {
  protocol: 4,
  tcpFlags: 6,
  srcPort: 7,
  srcIPv4: 8,
  dstPort: 11,
  dstIPv4: 12,
  lastSwitched: 21,
  firstSwitched: 22,
  srcIPv6: 27,
  dstIPv6: 28,
  icmpTypeCodeIPv4: 32,
  icmpTypeCodeIPv6: 139,
  flowStartSeconds: 150,
  flowStartMilliseconds: 152,
  systemInitTimeMilliseconds: 160,
} as const;

interface TemplateField {
  type: number;
  length: number;
  /** Enterprise-specific IPFIX fields are skipped. */
  enterprise: boolean;
}

export interface NetflowStats {
  datagrams: number;
  records: number;
  malformed: number;
  /** Data records that arrived before their template (dropped, as RFC 7011 §8 allows). */
  withoutTemplate: number;
}

const VARIABLE_LENGTH = 65535;

function readUint(view: DataView, offset: number, length: number): number {
  switch (length) {
    case 1:
      return view.getUint8(offset);
    case 2:
      return view.getUint16(offset);
    case 4:
      return view.getUint32(offset);
    case 8:
      return Number(view.getBigUint64(offset));
    default: {
      let value = 0;
      for (let i = 0; i < length; i++) value = value * 256 + view.getUint8(offset + i);
      return value;
    }
  }
}

function flowOutcome(proto: number, tcpFlags: number): FlowEvent['outcome'] {
  return proto === Protocol.Tcp ? outcomeFromTcpFlags(tcpFlags) : Outcome.Unknown;
}

export class NetflowDecoder {
  private readonly templates = new Map<string, TemplateField[]>();
  readonly stats: NetflowStats = { datagrams: 0, records: 0, malformed: 0, withoutTemplate: 0 };

  /**
   * Decodes one datagram from `exporter` (e.g. "127.0.0.1:41000") and emits its flows.
   * Returns false (and counts it) when the datagram is malformed; never throws.
   */
  decode(datagram: Uint8Array, exporter: string, emit: (flow: FlowEvent) => void): boolean {
    this.stats.datagrams++;
    const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
    try {
      if (view.byteLength < 4) throw new RangeError('short datagram');
      const version = view.getUint16(0);
      const input = `netflow:${exporter}`;
      const line = this.stats.datagrams;
      if (version === 5) this.decodeV5(view, input, line, emit);
      else if (version === 9) this.decodeTemplated(view, exporter, input, line, emit, false);
      else if (version === 10) this.decodeTemplated(view, exporter, input, line, emit, true);
      else throw new RangeError(`unsupported NetFlow version ${version}`);
      return true;
    } catch {
      this.stats.malformed++;
      return false;
    }
  }

  private decodeV5(view: DataView, input: string, line: number, emit: (flow: FlowEvent) => void): void {
    const count = view.getUint16(2);
    if (view.byteLength < 24 + count * 48) throw new RangeError('truncated v5 datagram');
    const uptime = view.getUint32(4);
    const now = view.getUint32(8) + view.getUint32(12) / 1e9;
    for (let i = 0; i < count; i++) {
      const o = 24 + i * 48;
      const proto = view.getUint8(o + 38);
      const tcpFlags = view.getUint8(o + 37);
      const dstPort = view.getUint16(o + 34);
      this.stats.records++;
      emit({
        kind: 'flow',
        input,
        line,
        ts: now - (uptime - view.getUint32(o + 24)) / 1000,
        src: view.getUint32(o),
        dst: view.getUint32(o + 4),
        srcPort: view.getUint16(o + 32),
        // v5 carries ICMP type/code in the destination port field.
        dstPort: proto === Protocol.Icmp ? dstPort >>> 8 : dstPort,
        proto,
        outcome: flowOutcome(proto, tcpFlags),
      });
    }
  }

  private decodeTemplated(
    view: DataView,
    exporter: string,
    input: string,
    line: number,
    emit: (flow: FlowEvent) => void,
    ipfix: boolean,
  ): void {
    const headerLength = ipfix ? 16 : 20;
    if (view.byteLength < headerLength) throw new RangeError('truncated header');
    const end = ipfix ? Math.min(view.getUint16(2), view.byteLength) : view.byteLength;
    const exportSeconds = ipfix ? view.getUint32(4) : view.getUint32(8);
    const uptime = ipfix ? 0 : view.getUint32(4);
    const domain = ipfix ? view.getUint32(12) : view.getUint32(16);
    const templateSet = ipfix ? 2 : 0;
    const optionsSet = ipfix ? 3 : 1;
    let offset = headerLength;
    while (offset + 4 <= end) {
      const setId = view.getUint16(offset);
      const setLength = view.getUint16(offset + 2);
      if (setLength < 4 || offset + setLength > end) throw new RangeError('bad set length');
      const setEnd = offset + setLength;
      if (setId === templateSet) this.readTemplates(view, offset + 4, setEnd, exporter, domain, ipfix);
      else if (setId >= 256) {
        const template = this.templates.get(`${exporter}|${domain}|${setId}`);
        if (!template) this.stats.withoutTemplate++;
        else this.readData(view, offset + 4, setEnd, template, { exportSeconds, uptime, input, line }, emit);
      } else if (setId !== optionsSet) throw new RangeError(`unknown set id ${setId}`);
      offset = setEnd;
    }
  }

  private readTemplates(
    view: DataView,
    start: number,
    end: number,
    exporter: string,
    domain: number,
    ipfix: boolean,
  ): void {
    let offset = start;
    // Sets may be padded to a 4-byte boundary: stop when no full template header remains.
    while (offset + 4 <= end) {
      const templateId = view.getUint16(offset);
      const fieldCount = view.getUint16(offset + 2);
      offset += 4;
      if (templateId < 256) break;
      const fields: TemplateField[] = [];
      for (let i = 0; i < fieldCount; i++) {
        if (offset + 4 > end) throw new RangeError('truncated template');
        const rawType = view.getUint16(offset);
        const length = view.getUint16(offset + 2);
        offset += 4;
        const enterprise = ipfix && (rawType & 0x8000) !== 0;
        if (enterprise) offset += 4;
        fields.push({ type: rawType & 0x7fff, length, enterprise });
      }
      this.templates.set(`${exporter}|${domain}|${templateId}`, fields);
    }
  }

  private readData(
    view: DataView,
    start: number,
    end: number,
    template: TemplateField[],
    header: { exportSeconds: number; uptime: number; input: string; line: number },
    emit: (flow: FlowEvent) => void,
  ): void {
    const fixedLength = template.every((f) => f.length !== VARIABLE_LENGTH)
      ? template.reduce((sum, f) => sum + f.length, 0)
      : 0;
    let offset = start;
    while (offset < end && (fixedLength === 0 || offset + fixedLength <= end)) {
      let src: IpKey = -1;
      let dst: IpKey = -1;
      let srcPort = 0;
      let dstPort = 0;
      let proto = 0;
      let tcpFlags = 0;
      let icmp = -1;
      let firstSwitched = -1;
      let startSeconds = -1;
      let initTime = -1;
      for (const field of template) {
        let length = field.length;
        if (length === VARIABLE_LENGTH) {
          length = view.getUint8(offset++);
          if (length === 255) {
            length = view.getUint16(offset);
            offset += 2;
          }
        }
        if (offset + length > end) throw new RangeError('truncated record');
        if (!field.enterprise) {
          switch (field.type) {
            case Field.srcIPv4:
              src = view.getUint32(offset);
              break;
            case Field.dstIPv4:
              dst = view.getUint32(offset);
              break;
            case Field.srcIPv6:
            case Field.dstIPv6: {
              const words = new Uint32Array(4);
              for (let w = 0; w < 4; w++) words[w] = view.getUint32(offset + 4 * w);
              if (field.type === Field.srcIPv6) src = formatIPv6(words);
              else dst = formatIPv6(words);
              break;
            }
            case Field.srcPort:
              srcPort = readUint(view, offset, length);
              break;
            case Field.dstPort:
              dstPort = readUint(view, offset, length);
              break;
            case Field.protocol:
              proto = readUint(view, offset, length);
              break;
            case Field.tcpFlags:
              tcpFlags = readUint(view, offset, length) & 0xff;
              break;
            case Field.icmpTypeCodeIPv4:
            case Field.icmpTypeCodeIPv6:
              icmp = readUint(view, offset, length) >>> 8;
              break;
            case Field.firstSwitched:
              firstSwitched = readUint(view, offset, length);
              break;
            case Field.flowStartSeconds:
              startSeconds = readUint(view, offset, length);
              break;
            case Field.flowStartMilliseconds:
              startSeconds = readUint(view, offset, length) / 1000;
              break;
            case Field.systemInitTimeMilliseconds:
              initTime = readUint(view, offset, length);
              break;
          }
        }
        offset += length;
      }
      if (src === -1 || dst === -1) continue;
      let ts = header.exportSeconds;
      if (startSeconds >= 0) ts = startSeconds;
      else if (firstSwitched >= 0 && initTime >= 0) ts = (initTime + firstSwitched) / 1000;
      else if (firstSwitched >= 0 && header.uptime > 0)
        ts = header.exportSeconds - (header.uptime - firstSwitched) / 1000;
      this.stats.records++;
      emit({
        kind: 'flow',
        input: header.input,
        line: header.line,
        ts,
        src,
        dst,
        srcPort,
        dstPort: isIcmpProtocol(proto) && icmp >= 0 ? icmp : dstPort,
        proto,
        outcome: flowOutcome(proto, tcpFlags),
      });
    }
  }
}
