import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { lastSixMonths, type Period } from '../lib/period.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useOrgTree } from '../lib/useOrgTree.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Field } from './Field.tsx';
import { OrgSelect } from './OrgSelect.tsx';
import { PeriodPicker } from './PeriodPicker.tsx';

/** What a dashboard's body knows of the scope it was loaded for. */
export type Scope = {
  organisationId: string;
  /** The picked organisation's name; absent for everything the user may see. */
  organisation?: string;
  /** Narrows the whole dashboard to this organisation's subtree. */
  pick: (organisationId: string) => void;
};

type Props<S> = {
  title: string;
  organisationLabel: string;
  load: (period: Period, organisationId: string) => Promise<S>;
  children: (summary: S, scope: Scope) => ReactNode;
};

/**
 * A capability's overview: a period (the last six months at first) and an organisation subtree above, the summary
 * loaded for them below; while a new one loads the old one stays, dimmed.
 */
export function ScopedDashboard<S>({ title, organisationLabel, load, children }: Props<S>) {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<Period>(lastSixMonths);
  const [organisationId, setOrganisationId] = useState('');
  const { tree, error: orgError } = useOrgTree();
  const summary = useLoad(() => load(period, organisationId), [period.from, period.to, organisationId]);
  const s = summary.data;
  const organisation = organisationId ? tree.byId.get(organisationId)?.name : undefined;

  return (
    <>
      <h1>{title}</h1>
      <div className="panel filters-panel">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Field label={organisationLabel}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
        </Field>
      </div>
      <ErrorMessage error={summary.error ?? orgError} />
      {!s ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <div className={summary.loading ? 'stale' : undefined}>
          {children(s, { organisationId, organisation, pick: setOrganisationId })}
        </div>
      )}
    </>
  );
}
