import { useTranslation } from 'react-i18next';
import type { PhishingCounts, PhishingOrganisationResult } from '../../api/schema.gen.ts';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { Figures } from '../../components/Figures.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatNumber } from '../../lib/format.ts';
import { RESULT_KEYS, rateOf, usePercent } from './ui.tsx';

/** The big numbers: mails sent, then each step as a count and its share of the mails sent. */
export function ResultFigures({ counts }: { counts: PhishingCounts }) {
  const { t, i18n } = useTranslation();
  const pct = usePercent();
  return (
    <Figures
      testIdPrefix="phishing-total-"
      figures={[
        { key: 'sent', label: t('phishing.result.sent'), value: counts.sent },
        ...RESULT_KEYS.map((k) => ({
          key: k,
          label: t(`phishing.result.${k}`),
          value: `${formatNumber(counts[k], i18n.language)} · ${pct(rateOf(counts, k))}`,
          tone: k === 'submitted' && counts.submitted > 0 ? ('bad' as const) : undefined,
        })),
      ]}
    />
  );
}

/** Results per organisation: counts and rates over the mails sent there. */
export function ResultsByOrganisation({ rows }: { rows: PhishingOrganisationResult[] }) {
  const { t, i18n } = useTranslation();
  const pct = usePercent();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <section className="panel panel-flush" data-testid="phishing-by-organisation">
      <h2 className="panel-title">{t('phishing.byOrganisation')}</h2>
      <TableScroll label={t('phishing.byOrganisation')}>
        <table className="table">
          <thead>
            <tr>
              <th>{t('phishing.organisation')}</th>
              <th className="num">{t('phishing.result.sent')}</th>
              {RESULT_KEYS.map((k) => (
                <th key={k} className="num">
                  {t(`phishing.result.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={rows.length === 0} colSpan={RESULT_KEYS.length + 2}>
              {t('phishing.noResults')}
            </EmptyRow>
            {rows.map((r) => (
              <tr key={r.organisationId} data-testid="phishing-org-row">
                <td>{r.organisationName}</td>
                <td className="num">{n(r.sent)}</td>
                {RESULT_KEYS.map((k) => (
                  <td key={k} className="num">
                    {n(r[k])} <span className="muted small">({pct(rateOf(r, k))})</span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
