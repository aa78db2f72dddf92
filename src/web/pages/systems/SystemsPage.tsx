import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { api, query } from '../../lib/api.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { DossierStateBadge, LevelBadge, PlanProgress } from './SystemBadges.tsx';
import { SystemImport } from './SystemImport.tsx';
import { editPath, type SystemView, systemPath } from './systems.ts';
import './systems.css';
import { EmptyRow } from '../../components/EmptyRow.tsx';

/** Hệ thống thông tin: the registry, filtered by organisation subtree and text, with import/export. */
export function SystemsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [organisationId, setOrganisationId] = useState('');
  const [q, setQ] = useState('');
  const { tree, error: orgError } = useOrgTree();
  const list = useLoad(
    () => api<SystemView[]>('GET', `/api/systems${query({ organisationId, q: q.trim() })}`),
    [organisationId, q],
  );

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.systems')}</h1>
        {can('system.write') && (
          <a className="btn btn-primary" href={editPath()} onClick={followLink} data-testid="system-new">
            {t('systems.register')}
          </a>
        )}
      </div>
      <p className="muted">{t('systems.intro')}</p>
      <div className="filters">
        <Field label={t('systems.organisation')}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
        </Field>
        <Field label={t('systems.search')}>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} data-testid="systems-search" />
        </Field>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      <div className="panel panel-flush">
        <table className="table" data-testid="systems-table">
          <thead>
            <tr>
              <th>{t('systems.name')}</th>
              <th>{t('systems.organisation')}</th>
              <th>{t('systems.suggestedLevel')}</th>
              <th>{t('systems.proposedLevel')}</th>
              <th>{t('systems.approvedLevel')}</th>
              <th>{t('systems.dossierState')}</th>
              <th>{t('systems.planPercent')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={list.data?.length === 0} colSpan={7}>
              {t('systems.empty')}
            </EmptyRow>
            {list.data?.map((s) => (
              <tr key={s.id}>
                <td className="cell-name">
                  <a href={systemPath(s.id)} onClick={followLink}>
                    {s.name}
                  </a>
                  <div className="muted small">
                    {t(`systems.type.${s.systemType}`)}
                    {s.code && ` · ${s.code}`}
                  </div>
                </td>
                <td>{s.organisationName}</td>
                <td>
                  <LevelBadge level={s.suggestion.level} />
                </td>
                <td>
                  <LevelBadge level={s.status.dossier?.level ?? null} />
                </td>
                <td>
                  <LevelBadge level={s.status.approvedLevel} />
                </td>
                <td>
                  <DossierStateBadge state={s.status.dossier?.state ?? null} />
                </td>
                <td>
                  <PlanProgress plan={s.status.plan} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <SystemImport canImport={can('system.write')} onImported={list.reload} />
    </>
  );
}
