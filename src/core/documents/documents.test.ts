import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { docxText, POPPLER, pdfPages, pdfPagesToPng, pdfText } from '../../../tests/support/documents.ts';
import { field, type OfficialDocument, para, placeAndDate, renderDocument, table } from './index.ts';

const sample: OfficialDocument = {
  parentBody: 'UBND tỉnh Lào Cai',
  body: 'Sở Khoa học và Công nghệ',
  number: '12',
  symbol: 'BC-SKHCN',
  place: 'Lào Cai',
  date: '2026-12-06',
  kind: 'Báo cáo',
  excerpt: 'Tình hình bảo đảm an toàn thông tin mạng',
  addressees: ['Ủy ban nhân dân tỉnh Lào Cai'],
  sections: [
    {
      heading: 'Kết quả thực hiện',
      blocks: [
        para('Đơn vị đã rà soát 43 hệ thống; các lỗ hổng nghiêm trọng được khắc phục trong kỳ.'),
        field('Người liên hệ', 'Nguyễn Thị Ánh Tuyết'),
      ],
      subsections: [
        {
          heading: 'Số liệu',
          blocks: [
            table(
              [
                { header: 'STT', width: 1, align: 'center' },
                { header: 'Nội dung', width: 6 },
                { header: 'Số lượng', width: 2 },
              ],
              [
                [1, 'Máy tính có lỗ hổng', 1234],
                [2, 'Địa chỉ IP rà quét', 84],
              ],
            ),
          ],
        },
      ],
    },
    // Enough text for a second page, which carries the page number.
    ...Array.from({ length: 12 }, (_, i) => ({
      heading: `Nhiệm vụ ${i + 1}`,
      blocks: [para('Tiếp tục triển khai; chữ có dấu: ỹ ỵ ữ ự ằ ẳ ẵ ặ, Ủy ban, Đắk Lắk, Quảng Ngãi.')],
    })),
  ],
  signature: { authority: 'KT. Giám đốc', title: 'Phó Giám đốc', signer: 'Trần Văn Bình' },
  recipients: ['Như trên', 'Lưu: VT, ATTT'],
};

describe('dates as Decree 30/2020 writes them', () => {
  it('pads days below 10 and the months 1 and 2 only', () => {
    expect(placeAndDate('Lào Cai', '2026-12-06')).toBe('Lào Cai, ngày 06 tháng 12 năm 2026');
    expect(placeAndDate('Lào Cai', '2025-02-28')).toBe('Lào Cai, ngày 28 tháng 02 năm 2025');
    expect(placeAndDate('Hà Nội', '2025-03-01')).toBe('Hà Nội, ngày 01 tháng 3 năm 2025');
    expect(placeAndDate(null, '2025-11-20')).toBe('Ngày 20 tháng 11 năm 2025');
  });
});

describe('official document rendering', () => {
  const dir = mkdtempSync(join(tmpdir(), 'khien-doc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!POPPLER)(
    'PDF: A4, Tinos embedded, header lines and diacritics intact, page numbers from page 2',
    async () => {
      const pdf = await renderDocument(sample, 'pdf');
      const text = pdfText(pdf);
      for (const line of [
        'UBND TỈNH LÀO CAI',
        'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Số: 12/BC-SKHCN',
        'Lào Cai, ngày 06 tháng 12 năm 2026',
        'BÁO CÁO',
        'Tình hình bảo đảm an toàn thông tin mạng',
        'Kính gửi: Ủy ban nhân dân tỉnh Lào Cai',
        '1. Kết quả thực hiện',
        '1.1. Số liệu',
        'Người liên hệ: Nguyễn Thị Ánh Tuyết',
        'ỹ ỵ ữ ự ằ ẳ ẵ ặ, Ủy ban, Đắk Lắk',
        'Nơi nhận: - Như trên; - Lưu: VT, ATTT.',
        'KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC',
        'Trần Văn Bình',
      ])
        expect(text).toContain(line);
      // Numbers with Vietnamese grouping.
      expect(text).toContain('1.234');
      const info = execFileSync('pdfinfo', ['-'], { input: pdf }).toString();
      expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
      const fonts = execFileSync('pdffonts', ['-'], { input: pdf }).toString();
      expect(fonts).toMatch(/Tinos-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
      expect(fonts).toMatch(/Tinos-Italic/);
      expect(pdfPages(pdf)).toBeGreaterThanOrEqual(2);
      // The first page has no number; the second starts with "2" in its top margin.
      const page = (n: number) =>
        execFileSync('pdftotext', ['-f', String(n), '-l', String(n), '-enc', 'UTF-8', '-', '-'], { input: pdf })
          .toString()
          .trim();
      expect(page(1).startsWith('UBND')).toBe(true);
      expect(page(2).startsWith('2\n')).toBe(true);
      // Page images render (not blank): what CI keeps and a reviewer looks at.
      const pngs = pdfPagesToPng(pdf, dir, 'sample');
      expect(pngs.length).toBe(pdfPages(pdf));
      for (const png of pngs) expect(statSync(png).size).toBeGreaterThan(5_000);
    },
  );

  it('PDF: the same document renders to the same bytes (an issued hash can be checked again)', async () => {
    const [a, b] = await Promise.all([renderDocument(sample, 'pdf'), renderDocument(sample, 'pdf')]);
    expect(a.equals(b)).toBe(true);
    const other = await renderDocument({ ...sample, date: '2026-12-07' }, 'pdf');
    expect(other.equals(a)).toBe(false);
  });

  it('DOCX: unzips, its document.xml holds the same text, A4 with the decree margins and page numbers', async () => {
    const docx = await renderDocument(sample, 'docx');
    const text = await docxText(docx);
    for (const line of [
      'UBND TỈNH LÀO CAI',
      'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 12/BC-SKHCN',
      'Lào Cai, ngày 06 tháng 12 năm 2026',
      'BÁO CÁO',
      'Kính gửi:',
      '1. Kết quả thực hiện',
      '1.1. Số liệu',
      '1.234',
      'ỹ ỵ ữ ự ằ ẳ ẵ ặ, Ủy ban, Đắk Lắk',
      'Nơi nhận: - Như trên; - Lưu: VT, ATTT.',
      'Trần Văn Bình',
    ])
      expect(text).toContain(line);
    const zip = await JSZip.loadAsync(docx);
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    // A4 in twips; margins top/bottom 20 mm, left 30 mm, right 15 mm; a different (empty) first-page header.
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toMatch(/w:top="1134"[^>]*w:right="850"[^>]*w:bottom="1134"[^>]*w:left="1701"/);
    expect(xml).toContain('<w:titlePg/>');
    const headers = await Promise.all(
      Object.keys(zip.files)
        .filter((f) => /^word\/header\d+\.xml$/.test(f))
        .map((f) => zip.file(f)?.async('string')),
    );
    expect(headers.some((h) => h?.includes('PAGE'))).toBe(true);
    const styles = (await zip.file('word/styles.xml')?.async('string')) ?? '';
    expect(styles).toContain('Times New Roman');
  });
});
