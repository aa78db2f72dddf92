import { useTranslation } from 'react-i18next';
import { api, query } from '../../lib/api.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { todayYmd } from '../../lib/period.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { type ListedRule, pick } from './systems.ts';

type ScaleRule = ListedRule<{ value: number }>;

/**
 * The online public-service scale NĐ 85 measures (0–4), worded by the rules of the day (kind online_service_scale):
 * "Mức độ 1–4" until 31/07/2022, then "Cung cấp thông tin trực tuyến / DVC trực tuyến một phần / toàn trình".
 * `values` are those that apply today; `label` words any stored value, an older one with the day it stopped.
 */
export function useOnlineServiceScale() {
  const { t, i18n } = useTranslation();
  const today = todayYmd();
  const rules = useLoad(
    () => api<ScaleRule[]>('GET', `/api/rules${query({ kind: 'online_service_scale', on: today })}`),
    [today],
  );
  const all = rules.data ?? [];
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
