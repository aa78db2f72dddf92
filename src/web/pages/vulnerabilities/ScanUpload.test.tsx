// @vitest-environment jsdom
import '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import type { ScanImportReport } from '../../api/schema.gen.ts';
import type { UploadJob } from '../../lib/useUploadQueue.ts';
import { JobReport } from './ScanUpload.tsx';

const report = (patch: Partial<ScanImportReport>): ScanImportReport => ({
  scanId: '30000000-0000-4000-8000-000000000001',
  duplicate: false,
  fileName: 'many_vuln.xml',
  format: 'openvas',
  hosts: 0,
  findings: 0,
  unattributedHosts: 0,
  websites: 0,
  unattributedWebsites: 0,
  opened: 0,
  reopened: 0,
  resolved: 0,
  issues: [
    {
      code: 'invalid-ip',
      message: 'result host "192.168.1.1001" is not a valid IP address; the finding was not imported',
      dropped: 1,
      line: 1234,
      column: 17,
      path: 'report/report/results/result/host',
    },
  ],
  summary: null,
  outcome: 'nothing',
  issueGroups: [{ code: 'invalid-ip', issues: 45, findings: 1044 }],
  informational: 0,
  scanTimes: {
    source: 'file',
    from: '2023-09-26T10:50:34.000Z',
    to: '2023-09-26T10:50:34.000Z',
    zoneAssumed: false,
    hostsWithoutTime: 0,
  },
  ...patch,
});

const job = (result: ScanImportReport): UploadJob<ScanImportReport> => ({
  file: new File(['<report/>'], result.fileName),
  state: 'done',
  progress: 1,
  result,
});

const show = (r: ScanImportReport) => renderWithProviders(<JobReport job={job(r)} />, 'soc');

describe('a scan import’s report', () => {
  it('is a warning, not a success, when no finding of the file could be imported, and says why by kind', () => {
    show(report({}));
    const j = screen.getByTestId('scan-job');
    expect(j.className).toContain('job-warning');
    expect(within(j).getByText('Không nhập được lỗ hổng nào')).toBeTruthy();
    const result = screen.getByTestId('scan-result');
    expect(result.className).toContain('alert-warning');
    expect(screen.getByTestId('import-nothing').textContent).toBe(
      'Tệp có 1.044 lỗ hổng nhưng không lỗ hổng nào nhập được. Lý do:',
    );
    const group = within(screen.getByTestId('issue-groups')).getByText(
      'Địa chỉ IP không hợp lệ: lỗ hổng không được nhập',
    );
    expect(group.closest('tr')?.textContent).toContain('1.044');
    // Each problem is still there, with its position, under the grouped summary.
    expect(screen.getByText('Chi tiết từng vấn đề (1)')).toBeTruthy();
    expect(result.textContent).toContain('1.234:17');
  });

  it('reads as done when everything was kept, and says which time dated the scan', () => {
    show(
      report({
        hosts: 7,
        findings: 1500,
        opened: 1500,
        issues: [],
        issueGroups: [],
        outcome: 'imported',
        informational: 266,
        scanTimes: {
          source: 'file',
          from: '2013-07-01T04:33:11.000Z',
          to: '2013-07-01T04:33:11.000Z',
          zoneAssumed: true,
          hostsWithoutTime: 0,
        },
      }),
    );
    const j = screen.getByTestId('scan-job');
    expect(j.className).not.toContain('job-warning');
    expect(within(j).getByText('Hoàn tất')).toBeTruthy();
    expect(screen.getByTestId('result-findings').textContent).toContain('1.500');
    expect(screen.getByTestId('scan-times').textContent).toContain('Thời điểm quét lấy từ tệp: 01/07/2013 11:33:11.');
    expect(screen.getByTestId('scan-times').textContent).toContain('đã hiểu là giờ Việt Nam (UTC+7)');
    expect(screen.getByText('266 mục thông tin (không phải lỗ hổng) không được lưu.')).toBeTruthy();
  });

  it('says when the file had no scan time and the upload time was used', () => {
    show(
      report({
        hosts: 2,
        findings: 3,
        issues: [],
        issueGroups: [],
        outcome: 'imported',
        scanTimes: {
          source: 'upload',
          from: '2025-12-06T01:00:00.000Z',
          to: '2025-12-06T01:00:00.000Z',
          zoneAssumed: false,
          hostsWithoutTime: 0,
        },
      }),
    );
    expect(screen.getByTestId('scan-times-upload').textContent).toBe(
      'Tệp không ghi thời điểm quét: dùng thời điểm nhập 06/12/2025 08:00:00.',
    );
  });

  it('counts the websites of a web scanner’s report, not computers', () => {
    show(
      report({
        fileName: '0_zap_sample.xml',
        format: 'zap',
        websites: 1,
        unattributedWebsites: 1,
        findings: 5,
        opened: 5,
        issues: [],
        issueGroups: [],
        outcome: 'imported',
        scanTimes: {
          source: 'file',
          from: '2020-05-12T13:57:30.000Z',
          to: '2020-05-12T13:57:30.000Z',
          zoneAssumed: true,
          hostsWithoutTime: 0,
        },
      }),
    );
    expect(screen.getByTestId('result-websites').textContent).toBe('Trang web1');
    expect(screen.getByTestId('result-unattributedWebsites').textContent).toBe('Trang web chưa xác định đơn vị1');
    expect(screen.queryByTestId('result-hosts')).toBeNull();
    expect(screen.queryByTestId('result-unattributedHosts')).toBeNull();
    // A web report is dated too.
    expect(screen.getByTestId('scan-times').textContent).toContain('12/05/2020 20:57:30');
  });
});
