import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { ListedRule } from '../../api/schema.gen.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { todayYmd } from '../../lib/period.ts';
import { pick } from './ui.ts';

/** A rule of kind online_service_scale: its data is the step of the scale it words. */
type ScaleRule = ListedRule & { data: { value: number } };
const isScale = (r: ListedRule): r is ScaleRule =>
  r.kind === 'online_service_scale' && typeof (r.data as { value?: unknown }).value === 'number';

/**
 * The online public-service scale NĐ 85 measures (0–4), worded by the rules of the day (kind online_service_scale):
 * "Mức độ 1–4" until 31/07/2022, then "Cung cấp thông tin trực tuyến / DVC trực tuyến một phần / toàn trình".
 * `values` are those that apply today; `label` words any stored value, an older one with the day it stopped.
 */
export function useOnlineServiceScale() {
  const { t, i18n } = useTranslation();
  const today = todayYmd();
  const rules = $api.useQuery(
    'get',
    '/api/rules',
    { params: { query: { kind: 'online_service_scale', on: today } } },
    { staleTime: 3_600_000 },
  );
  const all = (rules.data ?? []).filter(isScale);
  const applying = all.filter((r) => r.appliesOn).sort((a, b) => a.data.value - b.data.value);
  const label = (value: number) => {
    const now = applying.find((r) => r.data.value === value);
    if (now) return pick(i18n.language, now.vi, now.en);
    const before = all.filter((r) => r.data.value === value).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
    if (before)
      return before.validTo
        ? t('systems.dvcUntil', {
            label: pick(i18n.language, before.vi, before.en),
            date: formatCalendarDate(before.validTo),
          })
        : pick(i18n.language, before.vi, before.en);
    return t(`systems.dvc.${value}`);
  };
  // Until the rules arrive (or if they cannot be read) the scale's five steps are offered with the UI's words.
  const values = applying.length ? applying.map((r) => r.data.value) : [0, 1, 2, 3, 4];
  return { values, label, error: rules.error, basis: applying.find((r) => r.data.value > 0)?.legalBasis ?? null };
}
