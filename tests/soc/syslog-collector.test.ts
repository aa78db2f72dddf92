// Firewall syslog over UDP (RFC 5424, FortiGate) and TCP (RFC 6587 octet counting, iptables
// RFC 3164) into the engine: a port sweep behind a firewall is still a scanner.

import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSyslogCollector } from '../../src/modules/soc/collectors/syslog.ts';
import { createDetector } from '../../src/modules/soc/engine/detector.ts';

function fortigate(port: number): string {
  return `<189>1 2024-06-01T12:00:${String(port % 60).padStart(2, '0')}+07:00 fgt-tinh - - - - date=2024-06-01 time=12:00:${String(port % 60).padStart(2, '0')} devname="FGT-YB" logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=198.51.100.44 srcport=${40000 + port} srcintf="wan1" dstip=10.2.0.8 dstport=${port} dstintf="lan" proto=6 action="deny" policyid=0 service="tcp/${port}" sentpkt=1 rcvdpkt=0 tz="+0700"`;
}

function iptables(i: number): string {
  return `<4>Jun  1 12:01:${String(i).padStart(2, '0')} gw kernel: [99.1] DROP IN=eth0 OUT= SRC=203.0.113.61 DST=10.3.0.${i} LEN=44 PROTO=TCP SPT=5555 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0`;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('syslog collector', () => {
  it('turns FortiGate denies over UDP and iptables drops over TCP into scanner findings', async () => {
    const detector = createDetector();
    const collector = await startSyslogCollector({ port: 0, onEvent: detector.push, year: 2024 });
    try {
      const udp = createSocket('udp4');
      for (let port = 1; port <= 20; port++) udp.send(fortigate(port), collector.udpPort, '127.0.0.1');
      udp.send('<13>1 2024-06-01T12:00:00+07:00 host app - - - just a message', collector.udpPort, '127.0.0.1');
      await until(() => collector.stats.messages >= 21);
      udp.close();
      const tcp = connect(collector.tcpPort, '127.0.0.1');
      await new Promise((r) => tcp.once('connect', r));
      // Half octet-counted, half newline-framed, split across writes.
      const framed = Array.from({ length: 15 }, (_, i) => iptables(i + 1))
        .map((m) => `${Buffer.byteLength(m)} ${m}`)
        .join('');
      tcp.write(framed.slice(0, 100));
      tcp.write(framed.slice(100));
      tcp.write(`${Array.from({ length: 15 }, (_, i) => iptables(i + 16)).join('\n')}\n`);
      await until(() => collector.stats.messages >= 51);
      tcp.destroy();
    } finally {
      await collector.close();
    }
    expect(collector.stats).toEqual({
      messages: 51,
      events: 50,
      skipped: 1,
      rejected: 0,
      denied: 0,
      refused: 0,
      cut: 0,
      idle: 0,
    });
    const scanners = detector.findings().scanners.map((s) => `${s.ip} ${s.kind}`);
    expect(scanners).toEqual(['198.51.100.44 vertical', '203.0.113.61 horizontal']);
  });
});
