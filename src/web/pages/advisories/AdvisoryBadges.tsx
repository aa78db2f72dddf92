import { useTranslation } from 'react-i18next';
import type { AdvisoryProgress, AdvisoryStateValue, AdvisoryTargetResponse } from '../../api/schema.gen.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { formatNumber } from '../../lib/format.ts';

const STATE_CLASS: Record<AdvisoryStateValue, string> = {
  draft: 'badge-neutral',
  published: 'badge-warn',
  closed: 'badge-good',
};

export function StateBadge({ state }: { state: AdvisoryStateValue }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${STATE_CLASS[state]}`} data-state={state}>
      {t(`advisories.states.${state}`)}
    </span>
  );
}

const RESPONSE_CLASS: Record<AdvisoryTargetResponse, string> = {
  pending: 'badge-bad',
  patched: 'badge-good',
  mitigated: 'badge-good',
  not_affected: 'badge-neutral',
  risk_accepted: 'badge-warn',
};

/** A target's answer, with what still waits: a scan confirming a patch, the Department deciding a risk. */
export function ResponseBadge({
  response,
  awaitingScan,
  riskDecision,
}: {
  response: AdvisoryTargetResponse;
  awaitingScan: boolean;
  riskDecision: 'approved' | 'rejected' | null;
}) {
  const { t } = useTranslation();
  return (
    <span className="badge-group">
      <span className={`badge ${RESPONSE_CLASS[response]}`} data-response={response}>
        {t(`advisories.responses.${response}`)}
      </span>
      {awaitingScan && <span className="badge badge-warn">{t('advisories.awaitingScan')}</span>}
      {response === 'risk_accepted' && (
        <span className={`badge ${riskDecision === 'approved' ? 'badge-good' : 'badge-warn'}`}>
          {t(`advisories.risk.${riskDecision ?? 'pending'}`)}
        </span>
      )}
    </span>
  );
}

/** The two figures of an advisory's progress as bars: agencies that acknowledged, targets remediated. */
export function ProgressBars({ progress, compact = false }: { progress: AdvisoryProgress; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const rows = [
    {
      key: 'acknowledged',
      label: t('advisories.progress.acknowledged'),
      percent: progress.acknowledgedPercent,
      detail: `${n(progress.acknowledged)}/${n(progress.organisations)}`,
      empty: progress.organisations === 0,
    },
    {
      key: 'remediated',
      label: t('advisories.progress.remediated'),
      percent: progress.remediatedPercent,
      detail: `${n(progress.remediated)}/${n(progress.targets)}`,
      empty: progress.targets === 0,
    },
  ];
  return (
    <div className={`advisory-progress${compact ? ' compact' : ''}`}>
      {rows.map((r) => (
        <div key={r.key} className="advisory-progress-row" data-testid={`progress-${r.key}`}>
          <span className="advisory-progress-label">{r.label}</span>
          {r.empty ? (
            <span className="muted small">—</span>
          ) : (
            <>
              <ProgressBar value={r.percent / 100} label={r.label} />
              <span className="num nowrap" data-testid={`progress-${r.key}-percent`}>
                {r.percent}% <span className="muted small">({r.detail})</span>
              </span>
            </>
          )}
        </div>
      ))}
    </div>
  );
}
