// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { AdvisoryDetail } from '../../api/schema.gen.ts';
import { AdvisoryDetailPage } from './AdvisoryDetailPage.tsx';
import { advisoryViewSearch } from './searchParams.ts';

const ID = '7a000000-0000-4000-8000-000000000001';
const ORG_A = '0a000000-0000-4000-8000-00000000000a';
const ORG_B = '0b000000-0000-4000-8000-00000000000b';
const PATH = `/api/advisories/${ID}`;

const product = {
  id: 'p1',
  productRef: null,
  vendor: 'Palo Alto Networks',
  product: 'PAN-OS',
  range: '>= 10.2.0, < 10.2.9-h1',
  cpe: 'cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*',
  status: 'known_affected' as const,
};

const detail = (patch: Partial<AdvisoryDetail> = {}): AdvisoryDetail => ({
  advisory: {
    id: ID,
    source: 'cve',
    externalId: 'cve:CVE-2024-3400',
    revision: '2025-07-28T19:43:22.839Z',
    sourceBody: 'palo_alto',
    sourceNumber: 'CVE-2024-3400',
    title: 'PAN-OS: Arbitrary File Creation Leads to OS Command Injection',
    severity: 'critical',
    cvssScore: 10,
    cves: ['CVE-2024-3400'],
    knownExploited: ['CVE-2024-3400'],
    issuedOn: '2024-04-12',
    acknowledgeBy: null,
    actBy: '2024-04-19',
    state: 'published',
    createdAt: '2024-04-12T03:00:00.000Z',
    updatedAt: '2024-04-12T03:00:00.000Z',
    publishedAt: '2024-04-12T04:00:00.000Z',
    progress: {
      organisations: 2,
      acknowledged: 1,
      acknowledgedPercent: 50,
      targets: 2,
      remediated: 0,
      remediatedPercent: 0,
      awaitingScan: 0,
      pendingRisk: 1,
      late: 1,
    },
    summary: 'A command injection in GlobalProtect.',
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    remediations: [
      { category: 'vendor_fix', details: 'Upgrade to 10.2.9-h1.', url: null, productIds: [], cve: 'CVE-2024-3400' },
    ],
    references: [],
    fileSha256: 'ab'.repeat(32),
  },
  products: [
    {
      ...product,
      version: null,
      versionStartIncluding: '10.2.0',
      versionStartExcluding: null,
      versionEndIncluding: null,
      versionEndExcluding: '10.2.9-h1',
      rangeText: null,
      purl: null,
      cves: ['CVE-2024-3400'],
      remediation: 'Upgrade to 10.2.9-h1.',
    },
  ],
  attachments: [],
  organisations: [
    {
      organisationId: ORG_A,
      name: 'Sở Tài chính',
      headName: 'Nguyễn Văn An',
      headTitle: 'Giám đốc',
      notifiedAt: '2024-04-12T04:00:00.000Z',
      acknowledgeBy: '2024-04-15',
      acknowledgedAt: null,
      acknowledgedByName: null,
      escalatedAt: '2024-04-16T01:00:00.000Z',
      escalatedTo: 'Nguyễn Văn An, Giám đốc',
      targets: 1,
      remediated: 0,
      late: 'acknowledge',
    },
    {
      organisationId: ORG_B,
      name: 'Sở Y tế',
      headName: null,
      headTitle: null,
      notifiedAt: '2024-04-12T04:00:00.000Z',
      acknowledgeBy: '2024-04-15',
      acknowledgedAt: '2024-04-13T02:00:00.000Z',
      acknowledgedByName: 'Trần Thị Bình',
      escalatedAt: null,
      escalatedTo: null,
      targets: 1,
      remediated: 0,
      late: null,
    },
  ],
  targets: [
    {
      id: 't1',
      targetKey: 'system:s1',
      reason: 'component',
      organisationId: ORG_A,
      organisationName: 'Sở Tài chính',
      systemId: 's1',
      systemName: 'Cổng dịch vụ công',
      computerId: null,
      computerIp: null,
      computerName: null,
      findingId: null,
      cidr: null,
      matchDetail: {
        matches: [
          {
            via: 'name',
            item: {
              kind: 'component',
              id: 'c1',
              name: 'PAN-OS',
              vendor: 'Palo Alto Networks',
              version: '10.2.4',
              cpe: null,
              port: null,
              scanner: null,
            },
            product: { ...product, id: 'p1' },
          },
        ],
      },
      response: 'pending',
      responseNote: null,
      respondedByName: null,
      respondedAt: null,
      riskDecision: null,
      riskDecidedAt: null,
      confirmedAt: null,
      remediated: false,
      awaitingScan: false,
    },
    {
      id: 't2',
      targetKey: 'computer:k1',
      reason: 'finding',
      organisationId: ORG_B,
      organisationName: 'Sở Y tế',
      systemId: null,
      systemName: null,
      computerId: 'k1',
      computerIp: '10.2.0.7',
      computerName: 'fw-b',
      findingId: 'f1',
      cidr: null,
      matchDetail: {
        matches: [
          {
            via: 'cve',
            finding: {
              id: 'f1',
              name: 'PAN-OS GlobalProtect',
              cves: ['CVE-2024-3400'],
              scanner: 'nessus',
              port: 443,
              status: 'open',
            },
          },
        ],
      },
      response: 'risk_accepted',
      responseNote: 'Thiết bị sẽ thay thế trong tháng sau',
      respondedByName: 'Trần Thị Bình',
      respondedAt: '2024-04-14T02:00:00.000Z',
      riskDecision: null,
      riskDecidedAt: null,
      confirmedAt: null,
      remediated: false,
      awaitingScan: false,
    },
  ],
  targetsTotal: 2,
  actions: {
    edit: false,
    publish: false,
    close: true,
    addTargets: true,
    acknowledge: [],
    respond: true,
    decideRisk: true,
  },
  ...patch,
});

const open = (d: AdvisoryDetail, role: 'department' | 'agency') => {
  serve({
    [`GET ${PATH}`]: () => d,
    'GET /api/organisations': () => [],
    [`POST ${PATH}/acknowledge`]: () => ({ ok: true }),
    [`POST ${PATH}/targets/t1/response`]: () => ({ id: 't1', response: 'mitigated', riskDecision: null }),
    [`POST ${PATH}/targets/t2/risk-decision`]: () =>
      json({ error: { code: 'FORBIDDEN', message: 'x', key: 'advisories.departmentDecides' } }, 403),
  });
  return renderPage(AdvisoryDetailPage, {
    url: `/advisories/view?id=${ID}`,
    path: '/advisories/view',
    role,
    validateSearch: (s) => advisoryViewSearch.parse(s),
  });
};

describe('an advisory’s page', () => {
  it('explains each target’s match, shows progress and the late list naming the head', async () => {
    open(detail(), 'department');
    const targets = await screen.findAllByTestId('target');
    expect(targets[0]?.textContent).toContain('Cổng dịch vụ công');
    expect(within(targets[0] as HTMLElement).getByTestId('target-match').textContent).toBe(
      'Thành phần «Palo Alto Networks PAN-OS» phiên bản 10.2.4 thuộc sản phẩm bị ảnh hưởng «Palo Alto Networks PAN-OS» (>= 10.2.0, < 10.2.9-h1) — khớp theo tên hãng, sản phẩm và phiên bản',
    );
    expect(within(targets[1] as HTMLElement).getByTestId('target-match').textContent).toBe(
      'Lỗ hổng «PAN-OS GlobalProtect» (CVE-2024-3400) chưa khắc phục, cổng 443, phát hiện bởi nessus',
    );
    expect(targets[1]?.textContent).toContain('Chờ Sở phê duyệt');
    expect(screen.getByTestId('progress-acknowledged-percent').textContent).toBe('50% (1/2)');
    const late = screen.getByTestId('late-organisation');
    expect(late.textContent).toContain('Sở Tài chính');
    expect(late.textContent).toContain('chưa xác nhận đã nhận cảnh báo (hạn 15/04/2024)');
    expect(late.textContent).toContain('Người đứng đầu: Nguyễn Văn An, Giám đốc');
    expect(screen.getByTestId('advisory-cves').textContent).toContain('KEV');
    // The Department decides risks; its refusal is shown in words.
    const user = userEvent.setup();
    await user.click(within(targets[1] as HTMLElement).getByTestId('risk-approve'));
    expect((await screen.findByTestId('error')).textContent).toContain('Chỉ Sở phê duyệt đề nghị chấp nhận rủi ro.');
  });

  it('lets an agency acknowledge, then answer its own target with how it mitigated', async () => {
    const user = userEvent.setup();
    const mine = detail({
      organisations: [
        {
          ...(detail().organisations[0] as AdvisoryDetail['organisations'][number]),
          late: null,
          escalatedAt: null,
          escalatedTo: null,
        },
      ],
      targets: [detail().targets[0] as AdvisoryDetail['targets'][number]],
      actions: {
        edit: false,
        publish: false,
        close: false,
        addTargets: false,
        acknowledge: [ORG_A],
        respond: true,
        decideRisk: false,
      },
    });
    open(mine, 'agency');
    const box = await screen.findByTestId('acknowledge-box');
    expect(box.textContent).toContain('Sở Tài chính cần xác nhận đã nhận cảnh báo này trước ngày 15/04/2024');
    // Not acknowledged yet: nothing to answer.
    expect(screen.queryByTestId('target-respond')).toBeNull();
    expect(screen.queryByTestId('advisory-publish')).toBeNull();
    await user.click(screen.getByTestId('acknowledge'));
    await waitFor(() => expect(sentTo(`${PATH}/acknowledge`, 'POST')).toHaveLength(1));
    expect(sentTo(`${PATH}/acknowledge`, 'POST')[0]?.body).toEqual({ organisationId: ORG_A });
  });

  it('requires the how of a mitigation before sending it', async () => {
    const user = userEvent.setup();
    const acknowledged = detail({
      organisations: [
        {
          ...(detail().organisations[0] as AdvisoryDetail['organisations'][number]),
          acknowledgedAt: '2024-04-13T02:00:00.000Z',
          late: null,
        },
      ],
      targets: [detail().targets[0] as AdvisoryDetail['targets'][number]],
      actions: {
        edit: false,
        publish: false,
        close: false,
        addTargets: false,
        acknowledge: [],
        respond: true,
        decideRisk: false,
      },
    });
    open(acknowledged, 'agency');
    await user.click(await screen.findByTestId('target-respond'));
    await user.selectOptions(screen.getByTestId('target-response'), 'mitigated');
    await user.click(screen.getByTestId('target-submit'));
    expect((await screen.findByTestId('field-error')).textContent).toBe(
      'Nêu biện pháp giảm thiểu đã áp dụng (ít nhất 5 ký tự).',
    );
    expect(sentTo(`${PATH}/targets/t1/response`, 'POST')).toHaveLength(0);
    await user.type(screen.getByTestId('target-note'), 'Chặn truy cập GlobalProtect từ Internet');
    await user.click(screen.getByTestId('target-submit'));
    await waitFor(() => expect(sentTo(`${PATH}/targets/t1/response`, 'POST')).toHaveLength(1));
    expect(sentTo(`${PATH}/targets/t1/response`, 'POST')[0]?.body).toEqual({
      response: 'mitigated',
      note: 'Chặn truy cập GlobalProtect từ Internet',
    });
  });
});
