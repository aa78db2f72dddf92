import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { type SocSummary, socFindingStatusValues } from '../../api/schema.gen.ts';
import { BarChart } from '../../components/BarChart.tsx';
import { ByOrganisationTable } from '../../components/ByOrganisationTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { PeriodPicker } from '../../components/PeriodPicker.tsx';
import { useFormatNumber } from '../../lib/format.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { usePeriodSearch } from '../../lib/usePeriodSearch.ts';
import { TriageBadge } from './SocBadges.tsx';
import { SocFigures, SocStatement } from './SocFigures.tsx';
import { SocNoData } from './SocNoData.tsx';
import { TRIAGE_COLOURS } from './socUi.ts';

/**
 * Giám sát SOC — Tổng quan: scanning sources and malicious contacts in a period and organisation subtree. The one
 * period picker and the organisation are kept in the URL (`?from=…&to=…&organisationId=…`), and each figure opens
 * its list with the same query.
 */
export function SocDashboardPage() {
  const { t } = useTranslation();
  const { period, organisationId, setPeriod, setOrganisationId } = usePeriodSearch();
  const { tree, error: orgError } = useOrgTree();
  const summary = $api.useQuery(
    'get',
    '/api/soc/summary',
    { params: { query: { ...period, organisationId: organisationId || undefined } } },
    { placeholderData: keepPreviousData },
  );
  const s = summary.data;
  const organisation = organisationId ? tree.byId.get(organisationId)?.name : undefined;
  return (
    <>
      <h1>{t('soc.dashboardTitle')}</h1>
      <div className="panel filters-panel">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Field label={t('soc.organisation')}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
        </Field>
      </div>
      <ErrorMessage error={summary.error ?? orgError} />
      {!s ? (
        !summary.error && <p className="muted">{t('common.loading')}</p>
      ) : !s.ingested ? (
        <SocNoData />
      ) : (
        <div className={summary.isPlaceholderData ? 'stale' : undefined}>
          <SocStatement summary={s} organisation={organisation} />
          <SocFigures summary={s} organisationId={organisationId} />
          <p className="muted small">{t('soc.figuresHint')}</p>
          <div className="two-col">
            <ByOrganisation summary={s} onPick={setOrganisationId} />
            <Triage summary={s} />
          </div>
        </div>
      )}
    </>
  );
}

function ByOrganisation({ summary, onPick }: { summary: SocSummary; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
  return (
    <ByOrganisationTable
      testId="soc-by-org"
      title={t('soc.byOrganisation')}
      organisationLabel={t('soc.organisation')}
      columns={[
        { label: t('soc.columns.scanningIps'), value: (o) => fmt(o.scanningIps) },
        { label: t('soc.columns.maliciousContactIps'), value: (o) => fmt(o.maliciousContactIps) },
      ]}
      rows={summary.byOrganisation}
      none={t('soc.none')}
      unattributed={<span className="muted">{t('soc.unattributed')}</span>}
      onPick={onPick}
    />
  );
}

function Triage({ summary }: { summary: SocSummary }) {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
  return (
    <section className="card" data-testid="soc-triage">
      <h2>{t('soc.triageTitle')}</h2>
      <div className="split split-even">
        <table className="table table-compact">
          <tbody>
            {socFindingStatusValues.map((status) => (
              <tr key={status} data-testid={`soc-triage-${status}`}>
                <td>
                  <TriageBadge status={status} />
                </td>
                <td className="num">{fmt(summary.byTriage[status] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <BarChart
          label={t('soc.triageTitle')}
          labels={socFindingStatusValues.map((status) => t(`soc.triage.${status}`))}
          values={socFindingStatusValues.map((status) => summary.byTriage[status] ?? 0)}
          colours={socFindingStatusValues.map((status) => TRIAGE_COLOURS[status])}
        />
      </div>
    </section>
  );
}
