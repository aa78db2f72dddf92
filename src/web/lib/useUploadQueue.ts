import { useState } from 'react';
import { uploadFile } from './api.ts';

export type UploadJob<R> = {
  file: File;
  state: 'waiting' | 'uploading' | 'processing' | 'done' | 'failed';
  progress: number;
  result?: R;
  error?: unknown;
};

/**
 * Files sent one after another (each is one transaction on the server, and one at a time keeps a slow link from
 * splitting its bandwidth), each with its own state, upload progress and result.
 */
export function useUploadQueue<R>(url: (file: File) => string) {
  const [jobs, setJobs] = useState<UploadJob<R>[]>([]);
  const busy = jobs.some((j) => j.state === 'waiting' || j.state === 'uploading' || j.state === 'processing');

  async function start(files: File[]) {
    const queue: UploadJob<R>[] = files.map((file) => ({ file, state: 'waiting', progress: 0 }));
    setJobs(queue);
    const update = (i: number, patch: Partial<UploadJob<R>>) =>
      setJobs((js) => js.map((j, k) => (k === i ? { ...j, ...patch } : j)));
    for (const [i, job] of queue.entries()) {
      update(i, { state: 'uploading' });
      try {
        const result = await uploadFile<R>(url(job.file), job.file, {
          onProgress: (progress) => update(i, { progress }),
          onUploaded: () => update(i, { state: 'processing', progress: 1 }),
        });
        update(i, { state: 'done', result });
      } catch (error) {
        update(i, { state: 'failed', error });
      }
    }
  }

  return { jobs, busy, start };
}
