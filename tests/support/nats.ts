// The real NATS server for tests: a connection, or null with a plain "SKIPPED" line when there is none
// (an error instead when KHIEN_REQUIRE_ALL=1, as in CI, so nothing skips silently there).

import { connect, type NatsConnection } from '@nats-io/transport-node';

export const NATS_URL = process.env.KHIEN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export async function natsConnection(): Promise<NatsConnection | null> {
  try {
    return await connect({ servers: NATS_URL, timeout: 2000, name: 'khien-test' });
  } catch (e) {
    const message = `no server at ${NATS_URL.replace('nats://', '')} (${(e as Error).message})`;
    if (process.env.KHIEN_REQUIRE_ALL === '1') throw new Error(`NATS required (KHIEN_REQUIRE_ALL=1) but ${message}`);
    console.warn(`SKIPPED: NATS tests — ${message}`);
    return null;
  }
}
