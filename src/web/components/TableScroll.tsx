import type { ReactNode } from 'react';

/**
 * A table that may be wider than a phone scrolls inside this region, which the keyboard can reach and scroll
 * (a scrollable region must be focusable: WCAG 2.1.1), named for screen readers by `label`.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region is scrolled from the keyboard once focused.
    <section className="table-wrap" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
