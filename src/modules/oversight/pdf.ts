import pdfmake from 'pdfmake';
import { formatDay } from '../../core/documents/index.ts';
import { PDF_FONT_FILES } from '../../core/documents/layout.ts';
import type { TaskFigure } from './oversight.service.ts';
import { deadlineText, STATE_VI, targetText, valueText } from './present.ts';

// The same fonts and access policy as core/documents: only the Tinos files may be read, never a URL.
const FONT_FILES = new Set<string>(Object.values(PDF_FONT_FILES));
pdfmake.setFonts({ Tinos: PDF_FONT_FILES });
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => FONT_FILES.has(path));

const MM = 72 / 25.4;
const STATE_COLOUR: Record<TaskFigure['state'], string> = {
  done: '#1b6e3a',
  on_track: '#1f4e8c',
  late: '#b42318',
  no_data: '#555555',
};

/**
 * The board on one A4 page (landscape: a task's title, target, figure, deadline and state per row). The text
 * shrinks with the number of tasks so that the page holds them all; a board is read at a glance, not paged.
 */
export async function boardPdf(o: {
  asOf: string;
  unitName: string | null;
  tasks: TaskFigure[];
  printedOn: string;
}): Promise<Buffer> {
  const size = o.tasks.length <= 14 ? 9.5 : o.tasks.length <= 20 ? 8.5 : o.tasks.length <= 28 ? 7 : 5.5;
  const orders = [...new Set(o.tasks.map((t) => t.order))];
  const header = ['TT', 'Nhiệm vụ', 'Chỉ tiêu', 'Số liệu', 'Hạn', 'Tình trạng'].map((text) => ({
    text,
    bold: true,
    alignment: 'center' as const,
    fillColor: '#eeeeee',
  }));
  const body = orders.flatMap((order) => [
    [{ text: order, bold: true, colSpan: 6, fontSize: size }, '', '', '', '', ''],
    ...o.tasks
      .filter((t) => t.order === order)
      .map((t) => [
        { text: t.number, alignment: 'center' as const },
        {
          stack: [
            { text: t.title },
            ...(t.detail ? [{ text: t.detail, italics: true, color: '#444444', fontSize: size - 1 }] : []),
          ],
        },
        { text: targetText(t), alignment: 'center' as const, noWrap: true },
        { text: valueText(t), alignment: 'right' as const },
        { text: deadlineText(t), alignment: 'center' as const, noWrap: true },
        { text: STATE_VI[t.state], bold: true, color: STATE_COLOUR[t.state] },
      ]),
  ]);
  const counts = (['done', 'on_track', 'late', 'no_data'] as const)
    .map((s) => `${STATE_VI[s]}: ${o.tasks.filter((t) => t.state === s).length}`)
    .join(' · ');
  return pdfmake
    .createPdf({
      pageSize: 'A4',
      pageOrientation: 'landscape',
      pageMargins: [12 * MM, 10 * MM, 12 * MM, 10 * MM],
      info: { title: `Tình hình thực hiện nhiệm vụ an toàn thông tin, số liệu tại ngày ${formatDay(o.asOf)}` },
      defaultStyle: { font: 'Tinos', fontSize: size, lineHeight: 1.05 },
      content: [
        {
          text: 'TÌNH HÌNH THỰC HIỆN NHIỆM VỤ BẢO ĐẢM AN TOÀN THÔNG TIN MẠNG',
          bold: true,
          fontSize: 13,
          alignment: 'center',
        },
        {
          text: `${o.unitName ?? 'Toàn bộ phạm vi theo dõi'} — số liệu tại ngày ${formatDay(o.asOf)}`,
          alignment: 'center',
          fontSize: 11,
          margin: [0, 2, 0, 4],
        },
        { text: counts, alignment: 'center', fontSize: 9, margin: [0, 0, 0, 4] },
        {
          table: { headerRows: 1, widths: [18, '*', 48, 95, 50, 64], body: [header, ...body] },
          layout: { hLineWidth: () => 0.4, vLineWidth: () => 0.4, paddingTop: () => 1.5, paddingBottom: () => 1.5 },
        },
        {
          text: `In ngày ${formatDay(o.printedOn)} từ Khiên. Số liệu tính đến hết ngày ${formatDay(o.asOf)}; nhiệm vụ không có hạn được tính theo năm.`,
          fontSize: 7.5,
          italics: true,
          margin: [0, 4, 0, 0],
        },
      ],
    })
    .getBuffer();
}
