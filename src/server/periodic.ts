import type { FastifyInstance } from 'fastify';

/**
 * Runs `job` every `intervalMs` while the server is up (and once at start with `atStart`), never two runs at once:
 * a tick that finds the last run still going waits for the next. A failure is logged and the next tick tries again.
 * Closing the server stops the timer, waits for a run in progress, then calls `onClose`.
 */
export function registerPeriodic(
  app: FastifyInstance,
  opts: {
    name: string;
    intervalMs: number;
    job: () => Promise<unknown>;
    atStart?: boolean;
    onClose?: () => unknown;
  },
) {
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | null = null;
  const tick = () => {
    if (round) return;
    round = opts
      .job()
      .catch((err) => app.log.error({ err }, `${opts.name} failed`))
      .finally(() => {
        round = null;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(tick, opts.intervalMs);
    timer.unref();
    if (opts.atStart) tick();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await round;
    await opts.onClose?.();
  });
}
