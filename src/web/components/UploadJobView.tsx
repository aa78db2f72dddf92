import type { ReactNode } from 'react';
import { formatSize } from '../lib/format.ts';
import type { UploadJob } from '../lib/useUploadQueue.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/**
 * One file of an upload queue: name, size, state, progress while it goes, the error if it failed, then `children`.
 * `warning`: the upload went through but its result needs attention (the state shows as a warning, not a success).
 */
export function UploadJobView<R>({
  job,
  stateLabel,
  testId,
  warning = false,
  children,
}: {
  job: UploadJob<R>;
  stateLabel: (state: UploadJob<R>['state']) => string;
  testId: string;
  warning?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className={`job job-${job.state}${warning ? ' job-warning' : ''}`} data-testid={testId}>
      <div className="job-head">
        <strong>{job.file.name}</strong> <span className="muted small">{formatSize(job.file.size)}</span>
        <span className="job-state">{stateLabel(job.state)}</span>
      </div>
      {job.state === 'uploading' && <ProgressBar value={job.progress} label={stateLabel('uploading')} />}
      {job.state === 'processing' && <ProgressBar value={null} label={stateLabel('processing')} />}
      {job.state === 'failed' && <ErrorMessage error={job.error} />}
      {children}
    </div>
  );
}
