import type { ReactNode } from 'react';

/** The one row of an empty table body, saying so across all `colSpan` columns; nothing unless `show`. */
export function EmptyRow({ show, colSpan, children }: { show: boolean; colSpan: number; children: ReactNode }) {
  if (!show) return null;
  return (
    <tr>
      <td colSpan={colSpan} className="muted">
        {children}
      </td>
    </tr>
  );
}
