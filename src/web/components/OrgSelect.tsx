import { useTranslation } from 'react-i18next';
import type { Organisation } from '../api/schema.gen.ts';
import { flatten, type OrgTree, orgLabel } from '../lib/tree.ts';

type Props = {
  tree: OrgTree;
  value: string;
  onChange: (id: string) => void;
  /** What '' reads as; "all organisations" unless given. */
  allLabel?: string;
  name?: string;
  /** Organisations left out with their subtrees (as `flatten` skips them). */
  skip?: (org: Organisation) => boolean;
  /** Set by `Field`, which ties its label, hint and error to the select. */
  id?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'data-testid'?: string;
};

/**
 * An organisation picker indented by tree depth; '' = everything the user may see. Units of one name (two communes
 * "Xã Tân Lập") are told apart by their parent, as everywhere a unit is named outside its tree.
 */
export function OrgSelect({ tree, value, onChange, allLabel, name, skip, ...rest }: Props) {
  const { t } = useTranslation();
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)} {...rest}>
      <option value="">{allLabel ?? t('vuln.allOrganisations')}</option>
      {flatten(tree, skip).map(({ org, depth }) => (
        <option key={org.id} value={org.id}>
          {`${'\u00a0\u00a0\u00a0'.repeat(depth)}${orgLabel(tree, org.id)}`}
        </option>
      ))}
    </select>
  );
}
