// @vitest-environment jsdom
import '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import { ApiError } from '../../api/errors.ts';
import type { AdvisoryImportReport } from '../../api/schema.gen.ts';
import type { UploadJob } from '../../lib/useUploadQueue.ts';
import { ImportJob } from './AdvisoryImportPage.tsx';

const report = (patch: Partial<AdvisoryImportReport> = {}): AdvisoryImportReport => ({
  fileName: 'icsa-24-284-06.json',
  format: 'csaf',
  dryRun: false,
  outcome: 'created',
  advisory: {
    id: '7a000000-0000-4000-8000-000000000003',
    externalId: 'csaf:https://www.cisa.gov/:ICSA-24-284-06',
    sourceNumber: 'ICSA-24-284-06',
    sourceBody: 'CISA',
    revision: '1',
    title: 'Siemens SINEC Security Monitor',
    severity: 'critical',
    cvssScore: 9.9,
    cves: ['CVE-2024-47553', 'CVE-2024-47562'],
    knownExploited: [],
    products: [
      {
        productRef: 'CSAFPID-0001',
        vendor: 'Siemens',
        product: 'Siemens SINEC Security Monitor',
        range: '< V4.9.0',
        rangeText: 'vers:all/<V4.9.0',
        cpe: null,
        status: 'known_affected',
        cves: ['CVE-2024-47553'],
      },
    ],
  },
  targetedOrganisations: [{ id: '0b000000-0000-4000-8000-00000000000b', name: 'Sở Y tế', targets: 1 }],
  unattributedTargets: 0,
  ...patch,
});

const job = (patch: Partial<UploadJob<AdvisoryImportReport>>): UploadJob<AdvisoryImportReport> => ({
  file: new File(['{}'], 'icsa-24-284-06.json'),
  state: 'done',
  progress: 1,
  ...patch,
});

describe('an advisory file’s import', () => {
  it('shows what the file says and whom it concerns, with a link to the draft', () => {
    renderWithProviders(<ImportJob job={job({ result: report() })} />, 'department');
    const j = screen.getByTestId('advisory-job');
    expect(within(j).getByText('Đã nhập (bản nháp)')).toBeTruthy();
    expect(screen.getByTestId('advisory-import-link').getAttribute('href')).toBe(
      '/advisories/view?id=7a000000-0000-4000-8000-000000000003',
    );
    expect(screen.getByTestId('advisory-import-orgs').textContent).toBe('Ảnh hưởng 1 đơn vị: Sở Y tế (1).');
    expect(screen.getByTestId('imported-product').textContent).toContain(
      'Siemens Siemens SINEC Security Monitor< V4.9.0Bị ảnh hưởng',
    );
  });

  it('says a preview stored nothing, and a re-import of the same revision changed nothing', () => {
    const { unmount } = renderWithProviders(
      <ImportJob job={job({ result: report({ dryRun: true, advisory: { ...report().advisory, id: null } }) })} />,
      'department',
    );
    expect(screen.getByText('Xem trước')).toBeTruthy();
    expect(screen.queryByTestId('advisory-import-link')).toBeNull();
    unmount();
    renderWithProviders(<ImportJob job={job({ result: report({ outcome: 'unchanged' }) })} />, 'department');
    expect(screen.getByText('Đã có, không thay đổi')).toBeTruthy();
  });

  it('names the JSON path of a bad file', () => {
    const path = '/product_tree/branches/0/product/product_id';
    const error = new ApiError(
      400,
      'VALIDATION',
      `broken.json: ${path}: Required`,
      { file: 'broken.json', path, problem: 'Required' },
      undefined,
      'advisories.badFile',
      { file: 'broken.json', path, problem: 'Required' },
    );
    renderWithProviders(<ImportJob job={job({ state: 'failed', error })} />, 'department');
    expect(screen.getByTestId('error').textContent).toContain(
      'Tệp broken.json không hợp lệ tại /product_tree/branches/0/product/product_id: Required',
    );
  });
});
