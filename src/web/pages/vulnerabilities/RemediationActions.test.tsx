// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import type { VulnFindingDetail } from '../../api/schema.gen.ts';
import { RemediationActions } from './RemediationActions.tsx';

const ID = '00000000-0000-4000-8000-000000000001';
const STATUS = `/api/vulnerabilities/findings/${ID}/status`;

const detail = (patch: Partial<VulnFindingDetail> = {}): VulnFindingDetail => ({
  finding: {
    id: ID,
    computerId: '10000000-0000-4000-8000-000000000001',
    websiteId: null,
    organisationId: '20000000-0000-4000-8000-000000000001',
    scanner: 'nessus',
    scannerId: '58453',
    port: 3389,
    protocol: 'tcp',
    service: null,
    name: 'Terminal Services Doesn’t Use Network Level Authentication',
    severity: 'medium',
    cvss2Score: 5.1,
    cvss2Vector: null,
    cvss3Score: null,
    cvss3Vector: null,
    cves: [],
    cwes: [],
    url: null,
    location: null,
    solution: null,
    synopsis: null,
    output: null,
    knownExploited: false,
    status: 'open',
    statusReason: null,
    statusChangedAt: null,
    acceptedUntil: null,
    requestedStatus: null,
    requestedBy: null,
    firstSeen: '2024-03-10T02:00:00.000Z',
    lastSeen: '2024-05-20T02:00:00.000Z',
    resolvedAt: null,
    reopenedCount: 0,
    lastScanId: null,
  },
  dueAt: '2024-06-08T02:00:00.000Z',
  overdue: false,
  ip: '10.31.112.21',
  hostname: 'qa3app01',
  website: null,
  organisationName: 'Sở A',
  // What the server lets an agency do on an open finding.
  actions: {
    changes: [
      { status: 'fixed', direct: true },
      { status: 'accepted', direct: false },
      { status: 'false_positive', direct: false },
    ],
    decide: false,
  },
  requestedByName: null,
  history: [],
  ...patch,
});

const show = (d: VulnFindingDetail) => renderWithProviders(<RemediationActions detail={d} />, 'agency');

describe('the status change form', () => {
  it('offers exactly the changes the server allows, worded as requests when someone else decides', () => {
    show(detail());
    expect(screen.getByTestId('action-fixed').textContent).toBe('Đánh dấu đã khắc phục');
    expect(screen.getByTestId('action-accepted').textContent).toBe('Đề nghị chấp nhận rủi ro');
    expect(screen.getByTestId('action-false_positive').textContent).toBe('Đề nghị xác nhận dương tính giả');
    expect(screen.queryByTestId('action-open')).toBeNull();
    cleanup();
    show(detail({ actions: { changes: [{ status: 'accepted', direct: true }], decide: false } }));
    expect(screen.getByTestId('action-accepted').textContent).toBe('Chấp nhận rủi ro');
  });

  it('refuses an accepted risk without a reason or an end date, naming each field, and sends nothing', async () => {
    serve({ [`POST ${STATUS}`]: () => detail().finding });
    const user = userEvent.setup();
    show(detail());
    await user.click(screen.getByTestId('action-accepted'));
    await user.type(screen.getByLabelText('Lý do (bắt buộc)'), '  ok ');
    await user.click(screen.getByTestId('remediation-submit'));
    const reason = await screen.findByTestId('remediation-reason');
    expect(within(reason).getByRole('alert').textContent).toBe('Cần nêu lý do (ít nhất 5 ký tự).');
    expect(within(screen.getByTestId('remediation-until')).getByRole('alert').textContent).toBe(
      'Nhập ngày hết hạn theo dạng dd/mm/yyyy.',
    );
    expect(screen.getByLabelText('Lý do (bắt buộc)').getAttribute('aria-invalid')).toBe('true');
    expect(sentTo(STATUS, 'POST')).toHaveLength(0);
  });

  it('puts the server’s refusal of a past end date on the date field, after sending the right body', async () => {
    serve({
      [`POST ${STATUS}`]: () =>
        json(
          {
            error: {
              code: 'VALIDATION',
              message: 'The acceptance must end in the future',
              key: 'vuln.acceptedUntilPast',
              details: { field: 'acceptedUntil' },
            },
          },
          400,
        ),
    });
    const user = userEvent.setup();
    show(detail());
    await user.click(screen.getByTestId('action-accepted'));
    await user.type(screen.getByLabelText('Lý do (bắt buộc)'), 'Hệ thống sắp ngừng hoạt động');
    await user.type(screen.getByLabelText('Chấp nhận đến ngày'), '01/01/2020');
    await user.click(screen.getByTestId('remediation-submit'));
    const until = screen.getByTestId('remediation-until');
    await waitFor(() =>
      expect(within(until).getByRole('alert').textContent).toBe('Ngày hết hạn chấp nhận rủi ro phải sau ngày hôm nay.'),
    );
    expect(sentTo(STATUS, 'POST')[0]?.body).toEqual({
      status: 'accepted',
      reason: 'Hệ thống sắp ngừng hoạt động',
      acceptedUntil: '2020-01-01',
    });
    // The error is on its field, not repeated as a page error.
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('puts a validator’s field error from the server on that field', async () => {
    serve({
      [`POST ${STATUS}`]: () =>
        json(
          {
            error: {
              code: 'VALIDATION',
              message: 'body/reason vuln.reasonRequired',
              details: [{ path: '/reason', message: 'vuln.reasonRequired' }],
            },
          },
          400,
        ),
    });
    const user = userEvent.setup();
    show(detail());
    await user.click(screen.getByTestId('action-false_positive'));
    await user.type(screen.getByLabelText('Lý do (bắt buộc)'), 'Phiên bản đã được vá ngược');
    await user.click(screen.getByTestId('remediation-submit'));
    const reason = screen.getByTestId('remediation-reason');
    await waitFor(() => expect(within(reason).getByRole('alert').textContent).toBe('Cần nêu lý do (ít nhất 5 ký tự).'));
  });

  it('marks a finding fixed with an optional note, and closes the form', async () => {
    serve({ [`POST ${STATUS}`]: () => ({ ...detail().finding, status: 'fixed' }) });
    const user = userEvent.setup();
    show(detail());
    await user.click(screen.getByTestId('action-fixed'));
    await user.type(screen.getByLabelText('Ghi chú'), 'Đã cập nhật bản vá');
    await user.click(screen.getByTestId('remediation-submit'));
    await waitFor(() => expect(screen.queryByTestId('remediation-form')).toBeNull());
    expect(sentTo(STATUS, 'POST')[0]?.body).toEqual({ status: 'fixed', reason: 'Đã cập nhật bản vá' });
  });

  it('shows a pending request with who asked, and lets only its decider approve', async () => {
    serve({ [`POST /api/vulnerabilities/findings/${ID}/decision`]: () => detail().finding });
    const user = userEvent.setup();
    const pending = detail({
      finding: {
        ...detail().finding,
        requestedStatus: 'accepted',
        statusReason: 'Sắp thay máy',
        acceptedUntil: '2099-12-31',
      },
      actions: { changes: [], decide: true },
      requestedByName: 'Phạm Thị Hương',
    });
    show(pending);
    const alert = screen.getByTestId('pending-request');
    expect(alert.textContent).toContain('Người đề nghị: Phạm Thị Hương');
    expect(alert.textContent).toContain('31/12/2099');
    await user.click(screen.getByTestId('decision-approve'));
    await waitFor(() => expect(sentTo(`/api/vulnerabilities/findings/${ID}/decision`, 'POST')).toHaveLength(1));
    cleanup();
    show({ ...pending, actions: { changes: [], decide: false } });
    expect(screen.queryByTestId('decision-approve')).toBeNull();
    expect(screen.getByTestId('pending-request').textContent).toContain('Chờ cơ quan có thẩm quyền phê duyệt.');
  });
});
