import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { SystemDetail } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid } from '../../lib/tableSearch.ts';
import { DossierTab } from './DossierTab.tsx';
import { LayersTab } from './LayersTab.tsx';
import { PlanTab } from './PlanTab.tsx';
import { refreshProgramme } from './refresh.ts';
import { DossierStateBadge, LevelBadge, PlanProgress } from './SystemBadges.tsx';
import { SYSTEM_TABS } from './searchParams.ts';
import { editPath, pick, SYSTEMS_PATH, systemPath } from './ui.ts';
import { useOnlineServiceScale } from './useOnlineServiceScale.ts';
import './systems.css';

const view = getRouteApi('/app/systems/view');

/** One information system: overview, its level dossier, its security plan and its 4 protection layers. */
export function SystemDetailPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const { id, tab } = view.useSearch();
  const system = $api.useQuery('get', '/api/systems/{id}', { params: { path: { id } } }, { enabled: isUuid(id) });
  const s = system.data;
  useEffect(() => {
    if (s) document.title = `${s.name} · Khiên`;
  }, [s]);

  return (
    <>
      <p className="small">
        <a href={SYSTEMS_PATH} onClick={followLink}>
          ← {t('nav.systems')}
        </a>
      </p>
      <ErrorMessage error={system.error} />
      {!isUuid(id) && <div className="alert alert-error">{t('errors.systems.systemNotFound')}</div>}
      {s && (
        <>
          <div className="page-head">
            <div>
              <h1 data-testid="system-title">{s.name}</h1>
              <div className="muted">
                {s.organisationName} · {t(`systems.type.${s.systemType}`)}
              </div>
            </div>
            <div className="badges">
              {s.status.dossier?.state !== 'approved' && <DossierStateBadge state={s.status.dossier?.state ?? null} />}
              {s.status.approvedLevel !== null && (
                <span className="badge badge-good">
                  {t('systems.approvedLevelN', { level: s.status.approvedLevel })}
                </span>
              )}
            </div>
          </div>
          <div className="tabs" role="tablist">
            {SYSTEM_TABS.map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                className="tab"
                aria-selected={tab === k}
                data-testid={`tab-${k}`}
                onClick={() =>
                  void router.navigate({ href: systemPath(id, k === 'overview' ? undefined : k), replace: true })
                }
              >
                {t(`systems.tabs.${k}`)}
              </button>
            ))}
          </div>
          {tab === 'overview' && <Overview system={s} />}
          {tab === 'dossier' && <DossierTab system={s} />}
          {tab === 'plan' && <PlanTab system={s} />}
          {tab === 'layers' && <LayersTab system={s} />}
        </>
      )}
    </>
  );
}

function Overview({ system: s }: { system: SystemDetail }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const router = useRouter();
  const scale = useOnlineServiceScale();
  const remove = $api.useMutation('delete', '/api/systems/{id}');
  const yes = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  const del = async () => {
    if (!window.confirm(t('systems.confirmDelete', { name: s.name }))) return;
    await remove.mutateAsync({ params: { path: { id: s.id } } });
    // Leave the page first, so the deleted system is not read again.
    await router.navigate({ href: SYSTEMS_PATH });
    void refreshProgramme();
  };
  return (
    <div className="two-col">
      <section className="panel">
        <h2 className="sys-panel-title">{t('systems.section.general')}</h2>
        <dl className="facts">
          <dt>{t('systems.field.code')}</dt>
          <dd>{s.code ?? '—'}</dd>
          <dt>{t('systems.field.purpose')}</dt>
          <dd>{s.purpose ?? '—'}</dd>
          <dt>{t('systems.field.ownerName')}</dt>
          <dd>{s.ownerName ?? '—'}</dd>
          <dt>{t('systems.field.operatorName')}</dt>
          <dd>{s.operatorName ?? '—'}</dd>
          <dt>{t('systems.field.hosting')}</dt>
          <dd>{s.hosting ?? '—'}</dd>
          <dt>{t('systems.field.inServiceFrom')}</dt>
          <dd>{formatCalendarDate(s.inServiceFrom) || '—'}</dd>
          <dt>{t('systems.field.userCount')}</dt>
          <dd>{s.userCount === null ? '—' : formatNumber(s.userCount, i18n.language)}</dd>
          <dt>{t('systems.field.usersDescription')}</dt>
          <dd>{s.usersDescription ?? '—'}</dd>
          <dt>{t('systems.field.hosts')}</dt>
          <dd className="mono small">
            {s.hosts.length ? s.hosts.map((h) => `${h.hostname ? `${h.hostname} ` : ''}${h.address}`).join(', ') : '—'}
          </dd>
          <dt>{t('systems.field.software')}</dt>
          <dd className="small">
            {s.software.length ? s.software.map((w) => [w.name, w.version].filter(Boolean).join(' ')).join(', ') : '—'}
          </dd>
        </dl>
        {can('system.write') && (
          <div className="actions">
            <a className="btn" href={editPath(s.id)} onClick={followLink} data-testid="system-edit">
              {t('common.edit')}
            </a>
            {(!s.status.dossier || s.status.dossier.state === 'draft') && (
              <button
                type="button"
                className="btn btn-danger"
                disabled={remove.isPending}
                onClick={() => void del().catch(() => {})}
              >
                {t('common.delete')}
              </button>
            )}
          </div>
        )}
        <ErrorMessage error={remove.error} />
      </section>
      <section className="panel">
        <h2 className="sys-panel-title">{t('systems.section.level')}</h2>
        <dl className="facts">
          <dt>{t('systems.suggestedLevel')}</dt>
          <dd>
            <LevelBadge level={s.suggestion.level} />
            {s.suggestion.level !== null && (
              <div className="small">
                {pick(i18n.language, s.suggestion.vi, s.suggestion.en)}
                <div className="muted">{s.suggestion.legalBasis}</div>
              </div>
            )}
            {s.suggestion.hints.map((h) => (
              <div key={h} className="small text-warn">
                {t(`systems.aid.hints.${h}`)}
              </div>
            ))}
          </dd>
          <dt>{t('systems.proposedLevel')}</dt>
          <dd>
            <LevelBadge level={s.status.dossier?.level ?? null} />
          </dd>
          <dt>{t('systems.dossierState')}</dt>
          <dd>
            <DossierStateBadge state={s.status.dossier?.state ?? null} />
          </dd>
          <dt>{t('systems.approvedLevel')}</dt>
          <dd>
            <LevelBadge level={s.status.approvedLevel} />
            {s.status.approvedOn && ` — ${formatCalendarDate(s.status.approvedOn)}`}
          </dd>
          <dt>{t('systems.planPercent')}</dt>
          <dd>
            <PlanProgress plan={s.status.plan} />
          </dd>
          <dt>{t('systems.field.infoKinds')}</dt>
          <dd>
            {t('systems.field.infoPublic')}: {yes(s.infoPublic)} · {t('systems.field.infoPrivate')}:{' '}
            {yes(s.infoPrivate)} · {t('systems.field.infoPersonal')}: {yes(s.infoPersonal)}
          </dd>
          <dt>{t('systems.field.securityHarm')}</dt>
          <dd>{t(`systems.harm.${s.securityHarm}`)}</dd>
          <dt>{t('systems.field.stateSecretGrade')}</dt>
          <dd>{t(`systems.secret.${s.stateSecretGrade}`)}</dd>
          <dt>{t('systems.field.onlineServiceLevel')}</dt>
          <dd>{scale.label(s.onlineServiceLevel)}</dd>
        </dl>
      </section>
    </div>
  );
}
