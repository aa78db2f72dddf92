import type { ReactNode } from 'react';
import { followLink } from '../lib/router.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

/** A capability's card on the Overview (Tổng quan): a title, a link to its own page, what it loaded or why not. */
export function OverviewCard({
  testId,
  title,
  href,
  detailsLabel,
  error,
  children,
}: {
  testId: string;
  title: string;
  href: string;
  detailsLabel: string;
  error: unknown;
  children: ReactNode;
}) {
  return (
    <section className="card card-wide" data-testid={testId}>
      <div className="card-head">
        <h2>{title}</h2>
        <a href={href} onClick={followLink} className="small">
          {detailsLabel} →
        </a>
      </div>
      <ErrorMessage error={error} />
      {children}
    </section>
  );
}
