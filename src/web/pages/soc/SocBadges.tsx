import { useTranslation } from 'react-i18next';
import type { SocFinding, SocFindingStatus } from '../../api/schema.gen.ts';
import { TRIAGE_BADGE } from './socUi.ts';

export function TriageBadge({ status }: { status: SocFindingStatus }) {
  const { t } = useTranslation();
  return <span className={`badge ${TRIAGE_BADGE[status]}`}>{t(`soc.triage.${status}`)}</span>;
}

/**
 * What kind of finding this is: scan kind and slow (scanners) or direction (contacts), internal or external. The
 * caller puts them in its `.badges` row.
 */
export function FindingBadges({
  finding: f,
}: {
  finding: Pick<SocFinding, 'kind' | 'scanKind' | 'slow' | 'direction' | 'internal'>;
}) {
  const { t } = useTranslation();
  return (
    <>
      {f.kind === 'scanner' && f.scanKind && (
        <span className="badge badge-warn" data-testid="badge-scan-kind">
          {t(`soc.scanKind.${f.scanKind}`)}
        </span>
      )}
      {f.slow && <span className="badge badge-bad">{t('soc.slow')}</span>}
      {f.kind === 'malicious_contact' && f.direction && (
        <span className="badge badge-bad">{t(`soc.direction.${f.direction}`)}</span>
      )}
      <span className={`badge ${f.internal ? 'badge-bad' : 'badge-neutral'}`}>
        {t(f.internal ? 'soc.internal' : 'soc.external')}
      </span>
    </>
  );
}
