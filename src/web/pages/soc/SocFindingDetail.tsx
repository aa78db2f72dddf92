import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type {
  SocFindingDetail as Detail,
  SocContactRuleHit,
  SocEvidenceSample,
  SocFinding,
  SocScanRuleHit,
  SocTriageEvent,
} from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatDateTime, useFormatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { incidentPath } from '../incidents/ui.ts';
import { FindingBadges, TriageBadge } from './SocBadges.tsx';
import { SocTriageActions } from './SocTriageActions.tsx';
import { formatEpoch, isScanRule, otherOrganisations } from './socUi.ts';

/**
 * The side panel of one SOC finding. It explains the detection: each rule hit in words with its numbers, the
 * evidence lines it rests on (file and line), the ingests that saw it, why it belongs to its organisation, and who
 * triaged it. The list row (when the finding is on the current page) is shown at once; the detail follows.
 */
export function SocFindingDetail({ id, row, onClose }: { id: string; row?: SocFinding; onClose: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const detail = $api.useQuery('get', '/api/soc/findings/{id}', { params: { path: { id } } });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const d = detail.data?.id === id ? detail.data : undefined;
  const f = d ?? row;
  const title = f
    ? t(f.kind === 'scanner' ? 'soc.detail.scannerTitle' : 'soc.detail.contactTitle', { ip: f.ip })
    : t('soc.detail.loading');
  // The page's title names the finding while its panel is open.
  useEffect(() => {
    const before = document.title;
    document.title = `${title} · Khiên`;
    return () => {
      document.title = before;
    };
  }, [title]);
  const swept = f ? otherOrganisations(f) : [];

  return (
    <aside className="drawer" style={{ width: 'min(640px, 100vw)' }} aria-label={title} data-testid="soc-detail">
      <div className="drawer-head">
        <h2>{title}</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={onClose} aria-label={t('common.close')}>
          ✕
        </button>
      </div>
      {f && (
        <>
          <div className="badges">
            <FindingBadges finding={f} />
            <TriageBadge status={f.status} />
          </div>
          <dl className="facts">
            <dt>{t('soc.ip')}</dt>
            <dd className="mono">{f.ip}</dd>
            {f.kind === 'malicious_contact' && (
              <>
                <dt>{t('soc.indicator')}</dt>
                <dd className="mono break">
                  {f.indicator} <span className="muted">({f.indicatorType})</span>
                </dd>
              </>
            )}
            <dt>{t('soc.detail.attribution')}</dt>
            <dd data-testid="soc-attribution">
              {f.organisationName
                ? t(f.attribution === 'target-range' ? 'soc.detail.targetRange' : 'soc.detail.sourceRange', {
                    ip: f.ip,
                    organisation: f.organisationName,
                  })
                : swept.length > 0
                  ? t(
                      f.attribution === 'source-range' ? 'soc.detail.otherAgencyScanner' : 'soc.detail.externalScanner',
                      { ip: f.ip, organisations: swept.join(', ') },
                    )
                  : t('soc.detail.noOrganisation')}
              {f.organisationName && swept.length > 0 && (
                <div data-testid="soc-swept-detail">{t('soc.detail.swept', { organisations: swept.join(', ') })}</div>
              )}
            </dd>
            <dt>{t('soc.detail.period')}</dt>
            <dd>
              {t('soc.detail.periodValue', { from: formatDateTime(f.firstSeen), to: formatDateTime(f.lastSeen) })}
            </dd>
          </dl>
        </>
      )}
      <ErrorMessage error={detail.error} />
      {!d ? (
        !detail.error && <p className="muted">{t('soc.detail.loading')}</p>
      ) : (
        <>
          <section data-testid="soc-rules">
            <h3>{t('soc.detail.why')}</h3>
            {d.sweptOnly && (
              <p className="muted small" data-testid="soc-swept-rules">
                {t('soc.detail.sweptRules')}
              </p>
            )}
            <ul className="timeline">
              {[...d.rules].sort(byRule).map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rule hits have no id; the engine's order is theirs.
                <li key={i}>{isScanRule(r) ? <ScanRuleText hit={r} /> : <ContactRuleText hit={r} finding={d} />}</li>
              ))}
            </ul>
          </section>
          <Evidence detail={d} />
          <Sightings detail={d} />
          {/* The history carries the latest note; a note without history (older data) is shown alone. */}
          {d.triageNote && d.triageHistory.length === 0 && (
            <section>
              <h3>{t('soc.action.lastNote')}</h3>
              <p className="prose">“{d.triageNote}”</p>
              {d.triagedAt && (
                <p className="muted small">{t('soc.action.triagedAt', { at: formatDateTime(d.triagedAt) })}</p>
              )}
            </section>
          )}
          <TriageHistory events={d.triageHistory} />
          {d.incidents.length > 0 && (
            <section data-testid="soc-finding-incidents">
              <h3>{t('incidents.escalate.linked')}</h3>
              <ul className="plain">
                {d.incidents.map((i) => (
                  <li key={i.id}>
                    <a href={incidentPath(i.id)} onClick={followLink}>
                      {t('incidents.escalate.viewIncident', { code: i.code })}
                    </a>{' '}
                    <span className="muted small">{i.title}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {can('soc.triage') && <SocTriageActions key={`${d.id}-${d.status}`} finding={d} />}
        </>
      )}
    </aside>
  );
}

/** Who triaged the finding, when, from what to what, and why: newest first. */
function TriageHistory({ events }: { events: SocTriageEvent[] }) {
  const { t } = useTranslation();
  if (events.length === 0) return null;
  return (
    <section data-testid="soc-triage-history">
      <h3>{t('soc.detail.history')}</h3>
      <ul className="timeline">
        {events.map((e) => (
          <li key={`${e.at}-${e.to}`}>
            <span className="muted small nowrap">{formatDateTime(e.at)}</span>{' '}
            <span data-testid="soc-triage-event">
              {e.from
                ? t('soc.detail.historyEntry', {
                    actor: e.actorName,
                    from: t(`soc.triage.${e.from}`),
                    to: t(`soc.triage.${e.to}`),
                  })
                : t('soc.detail.historyFirst', { actor: e.actorName, to: t(`soc.triage.${e.to}`) })}
            </span>
            {e.note && <div className="prose">“{e.note}”</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

// The windowed rules (what the scan did) before the slow-scan test (how sure the engine is).
const RULE_ORDER = ['horizontal', 'vertical', 'icmp-sweep', 'trw'];
const byRule = (a: SocScanRuleHit | SocContactRuleHit, b: SocScanRuleHit | SocContactRuleHit) =>
  (isScanRule(a) ? RULE_ORDER.indexOf(a.rule) : 0) - (isScanRule(b) ? RULE_ORDER.indexOf(b.rule) : 0);

/** "Quét ngang: 25 địa chỉ đích trên cổng 445/tcp trong cửa sổ 5 phút (ngưỡng 25)", from the hit's own numbers. */
function ScanRuleText({ hit }: { hit: SocScanRuleHit }) {
  const { t, i18n } = useTranslation();
  // 12,48 in Vietnamese (where 12.477 would read twelve thousand), 12.48 in English.
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 2 });
  const seconds = hit.windowSeconds;
  const window =
    seconds === undefined
      ? ''
      : seconds % 60 === 0
        ? t('soc.rule.windowMinutes', { count: seconds / 60 })
        : t('soc.rule.windowSeconds', { count: seconds });
  const known =
    (hit.rule === 'horizontal' && hit.port !== undefined && window) ||
    (hit.rule === 'vertical' && hit.target && window) ||
    (hit.rule === 'icmp-sweep' && window) ||
    hit.rule === 'trw';
  return (
    <span data-testid={`rule-${hit.rule}`}>
      {known
        ? t(`soc.rule.${hit.rule}`, {
            observed: number.format(hit.observed),
            threshold: number.format(hit.threshold),
            // A port is a name, not a quantity: 8080, not 8.080.
            port: hit.port,
            proto: hit.proto ?? '',
            target: hit.target,
            window,
          })
        : hit.explanation}
      <span className="muted small"> — {t('soc.rule.at', { at: formatEpoch(hit.at) })}</span>
    </span>
  );
}

function ContactRuleText({ hit, finding }: { hit: SocContactRuleHit; finding: Detail }) {
  const { t } = useTranslation();
  return (
    <span data-testid="rule-contact">
      {t('soc.rule.contact', {
        indicator: finding.indicator,
        type: finding.indicatorType,
        source: finding.indicatorSource,
        matchedOn: hit.matchedOn.map((m) => t(`soc.rule.matchedOn.${m}`)).join(', '),
      })}
      {hit.confidence != null && `, ${t('soc.rule.confidence', { confidence: hit.confidence })}`}
    </span>
  );
}

function Evidence({ detail }: { detail: Detail }) {
  const { t } = useTranslation();
  return (
    <section>
      <h3>{t('soc.detail.evidence')}</h3>
      {detail.evidence.length === 0 ? (
        <p className="muted small">{t('soc.detail.noEvidence')}</p>
      ) : (
        <table className="table table-compact small" data-testid="soc-evidence">
          <thead>
            <tr>
              <th>{t('soc.detail.time')}</th>
              <th>{t('soc.detail.flow')}</th>
              <th>{t('soc.detail.proto')}</th>
              <th>{t('soc.detail.what')}</th>
              <th>{t('soc.detail.file')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.evidence.map((e) => (
              <tr key={`${e.input}:${e.line}:${e.ts}`}>
                <td className="nowrap">{formatEpoch(e.ts)}</td>
                <td className="mono">
                  {e.src} → {e.dstOtherOrganisation ? t('soc.detail.otherOrganisationHost') : e.dst}:{e.dstPort}
                </td>
                <td>{e.proto}</td>
                <td className="break">
                  <EvidenceWhat sample={e} />
                </td>
                <td className="mono nowrap">
                  {e.input}:{e.line}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A sample's text in the UI language: the outcome word the server names translated, the rest as logged. */
function EvidenceWhat({ sample }: { sample: SocEvidenceSample }) {
  const { t } = useTranslation();
  if (!sample.outcome) return <>{sample.what}</>;
  return (
    <>
      {t(`soc.outcome.${sample.outcome}`)}
      {sample.what.slice(sample.outcome.length)}
    </>
  );
}

function Sightings({ detail }: { detail: Detail }) {
  const { t } = useTranslation();
  const fmt = useFormatNumber();
  if (detail.sightings.length === 0) return null;
  return (
    <section>
      <h3>{t('soc.detail.sightings')}</h3>
      {detail.sweptOnly && (
        <p className="muted small" data-testid="soc-own-share">
          {t('soc.detail.ownShare')}
        </p>
      )}
      <table className="table table-compact small" data-testid="soc-sightings">
        <thead>
          <tr>
            <th>{t('soc.detail.source')}</th>
            <th>{t('soc.firstSeen')}</th>
            <th>{t('soc.lastSeen')}</th>
            <th className="num">{t('soc.detail.count')}</th>
            {detail.kind === 'scanner' && <th className="num">{t('soc.activity')}</th>}
          </tr>
        </thead>
        <tbody>
          {detail.sightings.map((s) => (
            <tr key={s.ingestId}>
              <td className="break">{s.source}</td>
              <td className="nowrap">{formatDateTime(s.firstSeen)}</td>
              <td className="nowrap">{formatDateTime(s.lastSeen)}</td>
              <td className="num">{s.count == null ? '—' : fmt(s.count)}</td>
              {detail.kind === 'scanner' && (
                <td className="num">
                  {s.distinctTargets == null
                    ? '—'
                    : `${t('soc.targets', { count: s.distinctTargets })} · ${t('soc.ports', { count: s.distinctPorts ?? 0 })}`}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
