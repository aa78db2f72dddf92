// Worker thread of `analyzeStreams({ threads: 2 })`: runs scanner detection on the flows the
// parsing thread sends, in the order they were parsed (see analyze-threaded.ts). Loaded as one
// esbuild bundle when possible, so it must not use `import.meta`.

import { parentPort, workerData } from 'node:worker_threads';
import type { DetectorOptions } from './engine/detector.ts';
import { createDetector } from './engine/detector.ts';
import { FlowBatch } from './engine/flow-batch.ts';
import type { SocEvent } from './engine/types.ts';

export type ToDetector =
  | { t: 'flows'; buffer: ArrayBuffer; capacity: number; size: number; input: string }
  | { t: 'events'; events: SocEvent[] }
  | { t: 'end' };

export type FromDetector =
  /** A message was consumed; a flow batch's buffer comes back to be filled again. */
  | { t: 'free'; buffer?: ArrayBuffer }
  | { t: 'findings'; findings: ReturnType<ReturnType<typeof createDetector>['findings']> }
  | { t: 'error'; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('detect-worker.ts runs as a worker thread');
const detector = createDetector(workerData as DetectorOptions);

port.on('message', (message: ToDetector) => {
  try {
    if (message.t === 'flows') {
      const batch = new FlowBatch(message.capacity, message.buffer);
      batch.size = message.size;
      batch.input = message.input;
      detector.pushFlows(batch);
      // The detector copied what it keeps: the buffer goes back to be filled again.
      port.postMessage({ t: 'free', buffer: message.buffer } satisfies FromDetector, [message.buffer]);
    } else if (message.t === 'events') {
      for (const event of message.events) detector.push(event);
      port.postMessage({ t: 'free' } satisfies FromDetector);
    } else {
      port.postMessage({ t: 'findings', findings: detector.findings() } satisfies FromDetector);
      port.close();
    }
  } catch (error) {
    const e = error as Error;
    port.postMessage({ t: 'error', message: e.message, stack: e.stack } satisfies FromDetector);
  }
});
