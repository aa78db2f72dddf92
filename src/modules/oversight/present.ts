import { formatDay, formatNumber } from '../../core/documents/index.ts';
import type { TaskFigure, TaskState } from './oversight.service.ts';

/** How the board's PDF and the weekly digest write a task's figures (Vietnamese documents: vi-VN numbers, dd/mm/yyyy). */
export const STATE_VI: Record<TaskState, string> = {
  done: 'Hoàn thành',
  on_track: 'Đang thực hiện',
  late: 'Chậm so với hạn',
  no_data: 'Chưa có số liệu',
};

const amount = (f: Pick<TaskFigure, 'unit'>, v: number) => `${formatNumber(v)}${f.unit === 'percent' ? '%' : ''}`;

/** "≥ 100%", "≤ 0" */
export const targetText = (f: TaskFigure) => `${f.comparison === 'at_least' ? '≥' : '≤'} ${amount(f, f.target)}`;

/** "46,7% (28/60)", "133", "—" */
export function valueText(f: TaskFigure) {
  if (f.value === null) return '—';
  const ratio =
    f.numerator !== null && f.denominator !== null
      ? ` (${formatNumber(f.numerator)}/${formatNumber(f.denominator)})`
      : '';
  return `${amount(f, f.value)}${ratio}`;
}

/** A standing task falls due each year. */
export const deadlineText = (f: TaskFigure) => (f.deadline ? formatDay(f.deadline) : 'Hằng năm');
