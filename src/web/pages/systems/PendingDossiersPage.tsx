import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { api, query } from '../../lib/api.ts';
import { formatCalendarDate, formatDate } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { DossierStateBadge, LevelBadge } from './SystemBadges.tsx';
import { DOSSIER_STATES, type DossierSummary, systemPath } from './systems.ts';
import './systems.css';
import { EmptyRow } from '../../components/EmptyRow.tsx';

const PENDING = ['submitted', 'under_appraisal'];

/** Hồ sơ chờ thẩm định: the Department's worklist, overdue first, then the longest waiting. */
export function PendingDossiersPage() {
  const { t } = useTranslation();
  const [state, setState] = useState('pending');
  const [organisationId, setOrganisationId] = useState('');
  const { tree, error: orgError } = useOrgTree();
  const list = useLoad(
    () =>
      api<DossierSummary[]>(
        'GET',
        `/api/dossiers${query({ organisationId, state: state === 'pending' || state === 'all' ? '' : state })}`,
      ),
    [state, organisationId],
  );
  const rows = (list.data ?? [])
    .filter((d) => state !== 'pending' || PENDING.includes(d.state))
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        (a.submittedAt ?? a.createdAt).localeCompare(b.submittedAt ?? b.createdAt),
    );

  return (
    <>
      <h1>{t('nav.systemDossiers')}</h1>
      <p className="muted">{t('systems.pending.intro')}</p>
      <div className="filters">
        <Field label={t('systems.dossierState')}>
          <select value={state} onChange={(e) => setState(e.target.value)} data-testid="pending-state">
            <option value="pending">{t('systems.pending.awaiting')}</option>
            {DOSSIER_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`systems.state.${s}`)}
              </option>
            ))}
            <option value="all">{t('systems.pending.all')}</option>
          </select>
        </Field>
        <Field label={t('systems.organisation')}>
          <OrgSelect tree={tree} value={organisationId} onChange={setOrganisationId} />
        </Field>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      <div className="panel panel-flush">
        <table className="table" data-testid="pending-table">
          <thead>
            <tr>
              <th>{t('systems.name')}</th>
              <th>{t('systems.organisation')}</th>
              <th>{t('systems.proposedLevel')}</th>
              <th>{t('systems.dossierState')}</th>
              <th>{t('systems.dossier.submittedAt')}</th>
              <th>{t('systems.dossier.appraisalDue')}</th>
              <th>{t('systems.dossier.approvalDue')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={!!list.data && rows.length === 0} colSpan={7}>
              {t('systems.pending.empty')}
            </EmptyRow>
            {rows.map((d) => (
              <tr key={d.id} className={d.overdue ? 'row-overdue' : undefined} data-testid="pending-row">
                <td className="cell-name">
                  <a href={systemPath(d.systemId, 'dossier')} onClick={followLink}>
                    {d.systemName}
                  </a>
                </td>
                <td>{d.organisationName}</td>
                <td>
                  <LevelBadge level={d.level} />
                </td>
                <td>
                  <span className="badge-group">
                    <DossierStateBadge state={d.state} />
                    {d.overdue && <span className="badge badge-bad">{t('systems.dossier.overdue')}</span>}
                  </span>
                </td>
                <td className="nowrap">{formatDate(d.submittedAt) || '—'}</td>
                <td className="nowrap">{formatCalendarDate(d.appraisalDue) || '—'}</td>
                <td className={`nowrap${d.overdue ? ' text-bad' : ''}`}>{formatCalendarDate(d.approvalDue) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
