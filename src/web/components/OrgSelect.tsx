import { useTranslation } from 'react-i18next';
import { flatten, type OrgTree } from '../lib/tree.ts';

type Props = { tree: OrgTree; value: string; onChange: (id: string) => void; allLabel?: string; name?: string };

/** An organisation picker indented by tree depth; '' = everything the user may see. */
export function OrgSelect({ tree, value, onChange, allLabel, name }: Props) {
  const { t } = useTranslation();
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{allLabel ?? t('vuln.allOrganisations')}</option>
      {flatten(tree).map(({ org, depth }) => (
        <option key={org.id} value={org.id}>
          {`${'\u00a0\u00a0\u00a0'.repeat(depth)}${org.name}`}
        </option>
      ))}
    </select>
  );
}
