import type { ReactNode } from 'react';
import { EmptyRow } from './EmptyRow.tsx';

type Row = { organisationId: string | null; name: string | null };
type Column<R> = { label: string; value: (row: R) => ReactNode };

/**
 * A summary per organisation: a name opens the dashboard on that organisation's subtree; the row without an
 * organisation (what no IP range claims) shows `unattributed` instead.
 */
export function ByOrganisationTable<R extends Row>({
  testId,
  title,
  organisationLabel,
  columns,
  rows,
  none,
  unattributed,
  onPick,
}: {
  testId: string;
  title: string;
  organisationLabel: string;
  /** The number columns after the organisation. */
  columns: Column<R>[];
  rows: R[];
  none: string;
  unattributed: ReactNode;
  onPick: (organisationId: string) => void;
}) {
  return (
    <section className="panel panel-flush" data-testid={testId}>
      <h2 className="panel-title">{title}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{organisationLabel}</th>
            {columns.map((c) => (
              <th key={c.label} className="num">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <EmptyRow show={rows.length === 0} colSpan={columns.length + 1}>
            {none}
          </EmptyRow>
          {rows.map((o) => (
            <tr key={o.organisationId ?? 'none'}>
              <td>
                {o.organisationId ? (
                  <button type="button" className="link" onClick={() => onPick(o.organisationId ?? '')}>
                    {o.name}
                  </button>
                ) : (
                  unattributed
                )}
              </td>
              {columns.map((c) => (
                <td key={c.label} className="num">
                  {c.value(o)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
