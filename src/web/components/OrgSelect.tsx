import { useTranslation } from 'react-i18next';
import { flatten, type OrgTree } from '../lib/tree.ts';
import type { Organisation } from '../lib/types.ts';

type Props = {
  tree: OrgTree;
  value: string;
  onChange: (id: string) => void;
  /** What '' reads as; "all organisations" unless given. */
  allLabel?: string;
  name?: string;
  /** Organisations left out with their subtrees (as `flatten` skips them). */
  skip?: (org: Organisation) => boolean;
  /** Set by `Field`, which ties its label and hint to the select. */
  id?: string;
  'aria-describedby'?: string;
};

/** An organisation picker indented by tree depth; '' = everything the user may see. */
export function OrgSelect({ tree, value, onChange, allLabel, name, skip, ...aria }: Props) {
  const { t } = useTranslation();
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)} {...aria}>
      <option value="">{allLabel ?? t('vuln.allOrganisations')}</option>
      {flatten(tree, skip).map(({ org, depth }) => (
        <option key={org.id} value={org.id}>
          {`${'\u00a0\u00a0\u00a0'.repeat(depth)}${org.name}`}
        </option>
      ))}
    </select>
  );
}
