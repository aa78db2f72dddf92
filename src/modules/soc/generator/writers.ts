// Renders synthetic flows as the logs real sensors write: Zeek conn/dns/ssl/http (TSV and
// JSON) and Suricata EVE (flow plus dns/tls/http records).

import type { ConnState, SyntheticFlow } from './scenario.ts';

export const zeekConnFields = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'local_orig',
  'local_resp',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
];
const connTypes = [
  'time',
  'string',
  'addr',
  'port',
  'addr',
  'port',
  'enum',
  'string',
  'interval',
  'count',
  'count',
  'string',
  'bool',
  'bool',
  'count',
  'string',
  'count',
  'count',
  'count',
  'count',
  'set[string]',
];

const nameLogs = {
  dns: { fields: ['query', 'qtype_name', 'rcode_name'], types: ['string', 'string', 'string'] },
  ssl: { fields: ['version', 'server_name', 'established'], types: ['string', 'string', 'bool'] },
  http: { fields: ['method', 'host', 'uri', 'status_code'], types: ['string', 'string', 'string', 'count'] },
} as const;
export type ZeekLogName = 'conn' | keyof typeof nameLogs;

const idFields = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p'];
const idTypes = ['time', 'string', 'addr', 'port', 'addr', 'port'];

export function zeekHeader(log: ZeekLogName, openedAt: number): string {
  const fields = log === 'conn' ? zeekConnFields : [...idFields, ...nameLogs[log].fields];
  const types = log === 'conn' ? connTypes : [...idTypes, ...nameLogs[log].types];
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    `#path\t${log}`,
    `#open\t${new Date(openedAt * 1000).toISOString().slice(0, 19).replace('T', '-').replaceAll(':', '-')}`,
    `#fields\t${fields.join('\t')}`,
    `#types\t${types.join('\t')}`,
    '',
  ].join('\n');
}

/** Zeek-like connection uid from a counter: deterministic and unique within a data set. */
export function connectionUid(n: number): string {
  return `C${n.toString(36).padStart(10, '0')}`;
}

interface Shape {
  history: string;
  origPkts: number;
  respPkts: number;
  /** EVE: cumulative TCP flags client→server and server→client, hex. */
  flagsToServer: string;
  flagsToClient: string;
}

function shapeOf(flow: SyntheticFlow): Shape {
  const state: ConnState = flow.state;
  if (flow.proto === 'udp') {
    return state === 'S0'
      ? { history: 'D', origPkts: 1, respPkts: 0, flagsToServer: '', flagsToClient: '' }
      : { history: 'Dd', origPkts: 1, respPkts: 1, flagsToServer: '', flagsToClient: '' };
  }
  if (flow.proto === 'icmp') {
    return { history: '-', origPkts: 1, respPkts: flow.respBytes > 0 ? 1 : 0, flagsToServer: '', flagsToClient: '' };
  }
  switch (state) {
    case 'S0':
      return { history: 'S', origPkts: 1, respPkts: 0, flagsToServer: '02', flagsToClient: '00' };
    case 'REJ':
      return { history: 'Sr', origPkts: 1, respPkts: 1, flagsToServer: '02', flagsToClient: '14' };
    case 'RSTO':
      return { history: 'ShR', origPkts: 2, respPkts: 1, flagsToServer: '06', flagsToClient: '12' };
    default:
      return { history: 'ShADadFf', origPkts: 6, respPkts: 6, flagsToServer: '1b', flagsToClient: '1b' };
  }
}

function service(flow: SyntheticFlow): string {
  if (flow.named?.kind === 'dns') return 'dns';
  if (flow.named?.kind === 'tls') return 'ssl';
  if (flow.named?.kind === 'http') return 'http';
  return '-';
}

function duration(flow: SyntheticFlow): number {
  return flow.state === 'SF' ? 0.05 + (flow.respBytes % 997) / 100 : 0;
}

export function zeekConnLine(flow: SyntheticFlow, uid: string): string {
  const s = shapeOf(flow);
  const failed = flow.state !== 'SF';
  const origIp = flow.origBytes + 40 * s.origPkts;
  const respIp = flow.respBytes + 40 * s.respPkts;
  return `${flow.ts.toFixed(6)}\t${uid}\t${flow.src}\t${flow.srcPort}\t${flow.dst}\t${flow.dstPort}\t${flow.proto}\t${service(flow)}\t${failed ? '-' : duration(flow).toFixed(6)}\t${failed ? '-' : flow.origBytes}\t${failed ? '-' : flow.respBytes}\t${flow.state}\t-\t-\t0\t${s.history}\t${s.origPkts}\t${origIp}\t${s.respPkts}\t${respIp}\t-\n`;
}

export function zeekConnJson(flow: SyntheticFlow, uid: string): string {
  const s = shapeOf(flow);
  const failed = flow.state !== 'SF';
  const record: Record<string, unknown> = {
    ts: flow.ts,
    uid,
    'id.orig_h': flow.src,
    'id.orig_p': flow.srcPort,
    'id.resp_h': flow.dst,
    'id.resp_p': flow.dstPort,
    proto: flow.proto,
    ...(failed
      ? {}
      : {
          service: service(flow) === '-' ? undefined : service(flow),
          duration: duration(flow),
          orig_bytes: flow.origBytes,
          resp_bytes: flow.respBytes,
        }),
    conn_state: flow.state,
    missed_bytes: 0,
    history: s.history === '-' ? undefined : s.history,
    orig_pkts: s.origPkts,
    orig_ip_bytes: flow.origBytes + 40 * s.origPkts,
    resp_pkts: s.respPkts,
    resp_ip_bytes: flow.respBytes + 40 * s.respPkts,
  };
  return `${JSON.stringify(record)}\n`;
}

function nameValues(flow: SyntheticFlow): string[] {
  const named = flow.named;
  if (!named) return [];
  if (named.kind === 'dns') return [named.name, 'A', 'NOERROR'];
  if (named.kind === 'tls') return ['TLSv13', named.name, 'T'];
  const path = named.url ? new URL(named.url).pathname : '/';
  return ['GET', named.name, path, '200'];
}

export function zeekNameLog(flow: SyntheticFlow): ZeekLogName | null {
  const kind = flow.named?.kind;
  return kind === 'dns' ? 'dns' : kind === 'tls' ? 'ssl' : kind === 'http' ? 'http' : null;
}

export function zeekNameLine(flow: SyntheticFlow, uid: string): string {
  return `${[flow.ts.toFixed(6), uid, flow.src, flow.srcPort, flow.dst, flow.dstPort, ...nameValues(flow)].join('\t')}\n`;
}

export function zeekNameJson(flow: SyntheticFlow, uid: string): string {
  const log = zeekNameLog(flow);
  if (!log || log === 'conn') return '';
  const values = nameValues(flow);
  const record: Record<string, unknown> = {
    ts: flow.ts,
    uid,
    'id.orig_h': flow.src,
    'id.orig_p': flow.srcPort,
    'id.resp_h': flow.dst,
    'id.resp_p': flow.dstPort,
  };
  nameLogs[log].fields.forEach((field, i) => {
    record[field] = values[i];
  });
  return `${JSON.stringify(record)}\n`;
}

/** Suricata's timestamp layout: microseconds and a numeric offset. */
export function eveTime(ts: number): string {
  const micros = Math.round((ts % 1) * 1e6);
  return `${new Date(Math.floor(ts) * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}+0000`;
}

export function eveLines(flow: SyntheticFlow, flowId: number): string {
  const s = shapeOf(flow);
  const proto = flow.proto.toUpperCase();
  const start = eveTime(flow.ts);
  const end = eveTime(flow.ts + duration(flow));
  const common = `"flow_id":${flowId},"in_iface":"eth0","src_ip":"${flow.src}","src_port":${flow.srcPort},"dest_ip":"${flow.dst}","dest_port":${flow.dstPort},"proto":"${proto}"`;
  const icmp = flow.proto === 'icmp' ? `"icmp_type":${flow.srcPort},"icmp_code":0,` : '';
  const ports =
    flow.proto === 'icmp'
      ? `"flow_id":${flowId},"in_iface":"eth0","src_ip":"${flow.src}","dest_ip":"${flow.dst}","proto":"ICMP",${icmp.slice(0, -1)}`
      : common;
  const tcp =
    flow.proto === 'tcp'
      ? `,"tcp":{"tcp_flags":"${s.flagsToServer === '1b' ? '1b' : (Number.parseInt(s.flagsToServer, 16) | Number.parseInt(s.flagsToClient, 16)).toString(16).padStart(2, '0')}","tcp_flags_ts":"${s.flagsToServer}","tcp_flags_tc":"${s.flagsToClient}","syn":true,"state":"${flow.state === 'SF' ? 'closed' : 'syn_sent'}"}`
      : '';
  const origBytes = flow.origBytes + 40 * s.origPkts;
  const respBytes = s.respPkts === 0 ? 0 : flow.respBytes + 40 * s.respPkts;
  const app = service(flow) === '-' ? 'failed' : service(flow) === 'ssl' ? 'tls' : service(flow);
  let lines = `{"timestamp":"${end}",${ports},"event_type":"flow","app_proto":"${app}","flow":{"pkts_toserver":${s.origPkts},"pkts_toclient":${s.respPkts},"bytes_toserver":${origBytes},"bytes_toclient":${respBytes},"start":"${start}","end":"${end}","age":${Math.round(duration(flow))},"state":"${flow.state === 'SF' ? 'closed' : 'new'}","reason":"timeout","alerted":false}${tcp}}\n`;
  const named = flow.named;
  if (named?.kind === 'dns') {
    lines += `{"timestamp":"${start}",${common},"event_type":"dns","dns":{"type":"query","id":${flowId % 65536},"rrname":"${named.name}","rrtype":"A","tx_id":0}}\n`;
  } else if (named?.kind === 'tls') {
    lines += `{"timestamp":"${start}",${common},"event_type":"tls","tls":{"sni":"${named.name}","version":"TLS 1.3"}}\n`;
  } else if (named?.kind === 'http') {
    const path = named.url ? new URL(named.url).pathname : '/';
    lines += `{"timestamp":"${start}",${common},"event_type":"http","http":{"hostname":"${named.name}","url":"${path}","http_method":"GET","status":200}}\n`;
  }
  return lines;
}
