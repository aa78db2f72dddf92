import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { loadInspectionsDemo } from '../../demo/load-inspections.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { renderDocument } from '../../src/core/documents/index.ts';
import { inspectionConclusion, inspectionFigures, listInspections } from '../../src/modules/inspections/index.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const ALL = { all: true } as const;

// The demo's 2024 inspection plan, through the functions the reports and the leaders' dashboard call.
describe.each(TEST_DATABASES)('inspections demo on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadDemo(database.db, CLI_ACTOR, { only2024: true });
  }, 600_000);
  afterAll(async () => {
    await database?.close();
  });

  it('four agencies in the 2024 plan: one concluded with a closed and an overdue finding', async () => {
    const list = await listInspections(database.db, ALL, { year: 2024 }, '2025-01-31');
    expect(list.items.map((i) => [i.organisationName, i.state, i.findings, i.findingsOpen, i.findingsOverdue])).toEqual(
      [
        ['Sở Giáo dục và Đào tạo', 'planned', 0, 0, 0],
        ['Sở Y tế', 'concluded', 1, 0, 0],
        ['Văn phòng UBND tỉnh', 'concluded', 2, 1, 1],
        ['Huyện Mù Căng Chải', 'closed', 0, 0, 0],
      ],
    );
    const yte = list.items.find((i) => i.organisationName === 'Sở Y tế');
    expect([yte?.noticeClock, yte?.conclusionClock]).toEqual(['late', 'late']);
    expect(await inspectionFigures(database.db, ALL, { from: '2024-01-01', to: '2024-12-31' })).toEqual({
      planned: 4,
      done: 3,
      concluded: 3,
      findings: 3,
      findingsOpen: 1,
      findingsClosed: 2,
      findingsOverdue: 1,
    });
    expect(await loadInspectionsDemo(database.db, CLI_ACTOR)).toBe(0);
  });

  it('the concluded inspection’s conclusion reads as the Department’s document', async () => {
    const list = await listInspections(database.db, ALL, { year: 2024, q: 'Văn phòng UBND' });
    const id = list.items[0]?.id ?? '';
    const { doc } = await inspectionConclusion(database.db, ALL, id);
    const pdf = await renderDocument(doc, 'pdf');
    mkdirSync('dist/inspections', { recursive: true });
    writeFileSync(`dist/inspections/conclusion-${kind}.pdf`, pdf);
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString().replace(/\s+/g, ' ');
    expect(text).toContain('KẾT LUẬN');
    expect(text).toContain('ngày 15/03/2024');
    expect(text).toContain('Chưa ban hành quy chế bảo đảm an toàn thông tin của cơ quan');
    expect(doc.date).toBe('2024-11-08');
    expect(text).toMatch(/Hệ thống quản lý văn bản và điều hành tỉnh \d/);
  });
});
