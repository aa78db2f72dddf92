// `khien soc publish` (edge: parse logs, publish events to NATS JetStream) and `khien soc worker` (detect and
// store findings from some partitions of the stream).

import { type Command, Option } from 'commander';
import { fail, withDatabase } from '../../../cli/context.ts';
import { parseAllowList } from '../collectors/limits.ts';
import { logFormats } from '../parsers/formats.ts';
import type { LogFormat } from '../parsers/types.ts';
import { defaultStreamLimits, defaultStreamNames, type StreamNames } from './layout.ts';

type NameOptions = { stream: string; subjectPrefix: string; durablePrefix?: string };

function nameOptions(cmd: Command): Command {
  return cmd
    .option('--stream <name>', 'tên stream JetStream / JetStream stream name', defaultStreamNames.stream)
    .option(
      '--subject-prefix <prefix>',
      'tiền tố subject; phân vùng p dùng <prefix>.<p> / subject prefix',
      defaultStreamNames.subjectPrefix,
    );
}

const names = (o: NameOptions): Partial<StreamNames> => ({
  stream: o.stream,
  subjectPrefix: o.subjectPrefix,
  ...(o.durablePrefix ? { durablePrefix: o.durablePrefix } : {}),
});

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`cổng không hợp lệ / bad port: ${value}`);
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`không phải số nguyên dương / not a positive integer: ${value}`);
  return n;
}

function partitionList(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim()));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < 0))
    fail(`danh sách phân vùng không hợp lệ / bad partition list: ${value}`);
  return [...new Set(list)];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerStreamCommands(soc: Command): void {
  nameOptions(
    soc
      .command('publish')
      .description(
        'Đọc nhật ký tại biên, chuẩn hoá sự kiện và gửi vào NATS JetStream cho các worker / parse logs at the edge and ' +
          'publish normalised events to NATS JetStream (partitioned by source address) for `khien soc worker`',
      )
      .requiredOption('--nats <url>', 'máy chủ NATS / NATS server URL, e.g. nats://127.0.0.1:4222')
      .option(
        '--partitions <n>',
        'số phân vùng (cố định cho một stream) / partition count (fixed per stream)',
        positiveInt,
        4,
      )
      .addOption(
        new Option('--format <format>', 'định dạng nhật ký / input format')
          .choices(['auto', ...logFormats])
          .default('auto'),
      )
      .option('--batch <events>', 'số sự kiện mỗi thông điệp / events per message', positiveInt, 1000)
      .option(
        '--max-bytes <bytes>',
        'giới hạn dung lượng stream / stream size bound',
        positiveInt,
        defaultStreamLimits.maxBytes,
      )
      .option(
        '--max-age-days <days>',
        'thời gian giữ tối đa / stream age bound',
        positiveInt,
        defaultStreamLimits.maxAgeSeconds / 86400,
      )
      .argument('<logfile...>', 'tệp nhật ký (.gz, - là stdin) / log files (.gz, - for stdin)'),
  ).action(
    async (
      files: string[],
      o: NameOptions & {
        nats: string;
        partitions: number;
        format: string;
        batch: number;
        maxBytes: number;
        maxAgeDays: number;
      },
    ) => {
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: o.nats, name: 'khien-publish' }).catch((e: Error) =>
        fail(`NATS ${o.nats}: ${e.message}`),
      );
      try {
        const { createEventPublisher, publishLogFiles } = await import('./publish.ts');
        const publisher = await createEventPublisher(nc, {
          partitions: o.partitions,
          names: names(o),
          batchEvents: o.batch,
          limits: { maxBytes: o.maxBytes, maxAgeSeconds: o.maxAgeDays * 86400 },
        });
        const r = await publishLogFiles(publisher, files, { format: o.format as LogFormat | 'auto' });
        for (const i of r.inputs)
          console.log(
            `  ${i.name}: ${i.format ?? 'không rõ định dạng / unknown format'}, ${i.records} bản ghi / records, ${i.rejected} lỗi / rejected`,
          );
        for (const e of r.errors.slice(0, 20)) console.error(`  ${e.input}:${e.line}: ${e.reason}`);
        console.log(
          `Đã gửi / published ${r.events} sự kiện / events in ${r.messages} thông điệp / messages (${(r.bytes / 2 ** 20).toFixed(1)} MiB) ` +
            `to ${o.stream}, ${o.partitions} phân vùng / partitions; ${r.seconds.toFixed(1)} s, ${Math.round(r.events / Math.max(r.seconds, 1e-3))} sự kiện/s / events/s`,
        );
      } catch (e) {
        fail((e as Error).message);
      } finally {
        await nc.drain();
      }
    },
  );

  nameOptions(
    soc
      .command('collect')
      .description(
        'Thu NetFlow v5/v9/IPFIX (UDP) và syslog tường lửa (UDP+TCP) tại biên, gửi vào NATS JetStream cho các worker / ' +
          'edge collector: receive NetFlow/IPFIX and firewall syslog and publish the events to NATS JetStream for ' +
          '`khien soc worker`; runs until SIGINT/SIGTERM',
      )
      .requiredOption('--nats <url>', 'máy chủ NATS / NATS server URL')
      .option('--partitions <n>', 'số phân vùng (như worker) / partition count', positiveInt, 4)
      .option('--netflow-port <port>', 'cổng UDP NetFlow/IPFIX / NetFlow UDP port', port)
      .option('--syslog-port <port>', 'cổng syslog UDP+TCP / syslog UDP and TCP port', port)
      .option('--host <address>', 'địa chỉ lắng nghe / listen address', '0.0.0.0')
      .option(
        '--sources <list>',
        'chỉ nhận từ các địa chỉ, mạng này / accept only these senders (addresses or CIDRs, comma-separated)',
      )
      .option(
        '--max-backlog <n>',
        'số lần gửi chờ xác nhận trước khi bỏ sự kiện (UDP không chờ được) / unacknowledged publishes before events are dropped',
        positiveInt,
        256,
      ),
  ).action(
    async (
      o: NameOptions & {
        nats: string;
        partitions: number;
        netflowPort?: number;
        syslogPort?: number;
        host: string;
        sources?: string;
        maxBacklog: number;
      },
    ) => {
      if (o.netflowPort === undefined && o.syslogPort === undefined)
        fail('cần --netflow-port hoặc --syslog-port / give --netflow-port or --syslog-port');
      let allow: ReturnType<typeof parseAllowList> | undefined;
      try {
        allow = o.sources ? parseAllowList(o.sources) : undefined;
      } catch (e) {
        fail(`--sources: ${(e as Error).message}`);
      }
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: o.nats, name: 'khien-collect' }).catch((e: Error) =>
        fail(`NATS ${o.nats}: ${e.message}`),
      );
      try {
        const { startEdgeCollector } = await import('./collect.ts');
        const collector = await startEdgeCollector(nc, {
          partitions: o.partitions,
          names: names(o),
          host: o.host,
          netflowPort: o.netflowPort,
          syslogPort: o.syslogPort,
          maxBacklog: o.maxBacklog,
          limits: { allow },
        });
        console.log(
          `Đang thu / collecting: NetFlow UDP ${collector.netflowPort ?? '-'}, syslog UDP ${collector.syslogUdpPort ?? '-'} TCP ${collector.syslogTcpPort ?? '-'} → ${o.stream}`,
        );
        const report = setInterval(() => {
          const { published, dropped, failed, rejected } = collector.stats;
          console.log(
            `  ${published} đã gửi / published, ${failed} gửi lỗi / failed, ${dropped} bỏ / dropped, ${rejected} lỗi / rejected`,
          );
          if (collector.failure) console.error(`  NATS: ${collector.failure.message}`);
        }, 60_000);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        clearInterval(report);
        await collector.close();
        const { published, dropped, failed, rejected } = collector.stats;
        console.log(
          `Đã dừng / stopped: ${published} đã gửi / published, ${failed} gửi lỗi / failed, ${dropped} bỏ / dropped, ${rejected} lỗi / rejected`,
        );
      } catch (e) {
        fail((e as Error).message);
      } finally {
        await nc.drain().catch(() => {});
      }
    },
  );

  nameOptions(
    soc
      .command('worker')
      .description(
        'Nhận sự kiện từ NATS JetStream, phát hiện và lưu kết quả vào cơ sở dữ liệu (nhiều worker cần DATABASE_URL) / ' +
          'consume partitions of the event stream, detect and store findings (several workers need DATABASE_URL)',
      )
      .requiredOption('--nats <url>', 'máy chủ NATS / NATS server URL')
      .requiredOption(
        '--partitions <list>',
        'các phân vùng xử lý, vd 0,1 / partitions to consume, e.g. 0,1',
        partitionList,
      )
      .option(
        '--durable-prefix <prefix>',
        'tiền tố consumer bền / durable consumer prefix',
        defaultStreamNames.durablePrefix,
      )
      .option('--flush-seconds <s>', 'chu kỳ lưu kết quả / how often findings are stored', positiveInt, 30)
      .option(
        '--max-unacked <n>',
        'số thông điệp chưa xác nhận trước khi lưu sớm / unacked messages per partition before an early flush',
        positiveInt,
        500,
      )
      .option(
        '--allow <cidr>',
        'mạng rà quét được phép, lặp lại được / allow-listed scanner network, repeatable',
        collect,
        [],
      )
      .option('--until-idle', 'dừng khi hết sự kiện / stop when the partitions are drained'),
  ).action(
    async (
      o: NameOptions & {
        nats: string;
        partitions: number[];
        flushSeconds: number;
        maxUnacked: number;
        allow: string[];
        untilIdle?: boolean;
      },
    ) => {
      // The worker (detection, the database) loads here, so that `soc analyze` beside it does not load it.
      const [{ loadConfig }, { startStreamWorker }] = await Promise.all([
        import('../../../core/config.ts'),
        import('./worker.ts'),
      ]);
      if (!loadConfig().databaseUrl)
        console.error(
          'Lưu ý: CSDL nhúng (PGlite) — chỉ MỘT tiến trình được dùng thư mục dữ liệu; chạy nhiều worker cần DATABASE_URL tới PostgreSQL.\n' +
            'Note: embedded database (PGlite) — only ONE process may use the data folder; several workers need DATABASE_URL (PostgreSQL).',
        );
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: o.nats, name: `khien-worker-${o.partitions.join('-')}` }).catch((e: Error) =>
        fail(`NATS ${o.nats}: ${e.message}`),
      );
      try {
        await withDatabase(async ({ db }) => {
          const worker = await startStreamWorker(db, nc, {
            partitions: o.partitions,
            names: names(o),
            flushSeconds: o.flushSeconds,
            maxUnacked: o.maxUnacked,
            config: { scan: { allowList: o.allow } },
            untilIdle: o.untilIdle,
            log: {
              info: (obj, msg) => console.log(msg, JSON.stringify(obj)),
              error: (obj, msg) =>
                console.error(
                  msg,
                  JSON.stringify(obj, (k, v) => (k === 'err' ? String(v) : v)),
                ),
            },
          });
          const stop = () => {
            console.log('Đang dừng, lưu lần cuối / stopping: final flush…');
            void worker.stop();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          console.log(`Worker: ${o.stream}, phân vùng / partitions ${o.partitions.join(',')}`);
          await worker.done;
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          for (const [p, s] of worker.stats)
            console.log(
              `  p${p}: ${s.events} sự kiện / events, ${s.messages} thông điệp / messages, ${s.redelivered} gửi lại / redelivered, ${s.acked} đã xác nhận / acked`,
            );
        });
      } catch (e) {
        fail((e as Error).message);
      } finally {
        await nc.drain().catch(() => {});
      }
    },
  );
}
