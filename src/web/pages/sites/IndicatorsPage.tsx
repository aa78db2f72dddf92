import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { type VnIndicator, vnIndicatorCodeValues } from '../../api/schema.gen.ts';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { TrendChart } from '../../components/TrendChart.tsx';
import { formatDate } from '../../lib/format.ts';
import { useCan } from '../../lib/session.ts';
import { SiteImport } from './SiteImport.tsx';
import './sites.css';

const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed'];

/** A period as people write it: "2024" or "05/2024". */
const periodLabel = (p: string) => (p.length === 7 ? `${p.slice(5)}/${p.slice(0, 4)}` : p);

/** One indicator's trend: its own chart (the indicators differ in scale) and the figures as text. */
function Trend({ code, items, colour }: { code: string; items: VnIndicator[]; colour: string }) {
  const { t, i18n } = useTranslation();
  const name = t(`sites.indicators.codes.${code}`);
  const f = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 2 });
  return (
    <section className="panel" data-testid={`indicator-${code}`}>
      <h2 className="panel-title">{name}</h2>
      <TrendChart
        label={name}
        labels={items.map((i) => periodLabel(i.period))}
        series={[{ name, values: items.map((i) => i.value), colour }]}
      />
      <p className="muted small">{items.map((i) => `${periodLabel(i.period)}: ${f.format(i.value)}`).join(' · ')}</p>
    </section>
  );
}

/** Chỉ số tên miền .vn: the programme's indicators by period, as trends and a table; the Department imports them. */
export function IndicatorsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const queryClient = useQueryClient();
  const list = $api.useQuery('get', '/api/sites/indicators', {}, { staleTime: 0 });
  const items = list.data?.items ?? [];
  const f = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 2 });
  const present = vnIndicatorCodeValues.filter((c) => items.some((i) => i.indicator === c));
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.siteIndicators')}</h1>
      </div>
      <p className="muted">{t('sites.indicators.intro')}</p>
      <ErrorMessage error={list.error} />
      {can('site.programme') && (
        <SiteImport
          path="/api/sites/indicators/import"
          hint={t('sites.indicators.importHint')}
          testId="indicators-import"
          onImported={() => void queryClient.invalidateQueries({ queryKey: ['get', '/api/sites/indicators'] })}
        />
      )}
      {present.length > 0 && (
        <>
          <h2>{t('sites.indicators.trend')}</h2>
          <div className="sites-grid">
            {present.map((code, i) => (
              <Trend
                key={code}
                code={code}
                colour={COLOURS[i % COLOURS.length] as string}
                items={items.filter((x) => x.indicator === code)}
              />
            ))}
          </div>
        </>
      )}
      <h2>{t('sites.indicators.table')}</h2>
      <section className="panel panel-flush">
        <TableScroll label={t('sites.indicators.table')}>
          <table className="table" data-testid="indicators-table">
            <thead>
              <tr>
                <th>{t('sites.indicators.indicator')}</th>
                <th>{t('sites.indicators.period')}</th>
                <th className="num">{t('sites.indicators.value')}</th>
                <th>{t('sites.indicators.source')}</th>
                <th>{t('sites.indicators.importedAt')}</th>
              </tr>
            </thead>
            <tbody>
              <EmptyRow show={!list.isPending && items.length === 0} colSpan={5}>
                {t('sites.indicators.empty')}
              </EmptyRow>
              {items.map((i) => (
                <tr key={`${i.indicator}-${i.period}`}>
                  <td>{t(`sites.indicators.codes.${i.indicator}`)}</td>
                  <td>{periodLabel(i.period)}</td>
                  <td className="num">{f.format(i.value)}</td>
                  <td>{i.source ?? '—'}</td>
                  <td className="nowrap">{formatDate(i.importedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </>
  );
}
