/** A determinate bar (0–1) or, with `value` null, an indeterminate one for work the server does after the upload. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const percent = value === null ? undefined : Math.round(value * 100);
  return (
    <div
      className={`progress${value === null ? ' progress-busy' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-fill" style={{ width: value === null ? '100%' : `${percent}%` }} />
    </div>
  );
}
