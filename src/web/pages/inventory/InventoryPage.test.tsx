// @vitest-environment jsdom
import { lastQuery, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { InventoryItem } from '../../api/schema.gen.ts';
import { InventoryPage } from './InventoryPage.tsx';

const INVENTORY = '/api/inventory';
const ORG = { id: '20000000-0000-4000-8000-000000000001', name: 'Sở Thông tin và Truyền thông' };

const ssh: InventoryItem = {
  kind: 'computer',
  id: '00000000-0000-4000-8000-000000000001',
  organisation: ORG,
  system: null,
  computer: { id: '10000000-0000-4000-8000-000000000001', ip: '10.31.113.5', hostname: 'web01' },
  vendor: 'openbsd',
  product: 'openssh',
  version: '7.4',
  cpe: 'cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*',
  port: 22,
  protocol: 'tcp',
  service: 'ssh',
  scanner: 'nmap',
  lastSeen: '2024-06-03T01:00:05.000Z',
};
const component: InventoryItem = {
  kind: 'system',
  id: '00000000-0000-4000-8000-000000000002',
  organisation: ORG,
  system: { id: '30000000-0000-4000-8000-000000000001', name: 'Hệ thống quản lý văn bản' },
  computer: null,
  vendor: 'VNPT',
  product: 'Phần mềm Quản lý văn bản',
  version: '3.1',
  cpe: null,
  port: null,
  protocol: null,
  service: null,
  scanner: null,
  lastSeen: '2024-05-02T03:00:00.000Z',
};

describe('the software inventory page', () => {
  beforeEach(() => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${INVENTORY}`]: () => ({ items: [ssh, component], total: 1234 }),
    });
  });

  it('lists computers’ and systems’ software in Vietnamese, with where each was seen and when', async () => {
    renderPage(InventoryPage, { url: '/inventory', role: 'agency' });
    const table = await screen.findByTestId('inventory-table');
    await within(table).findByText('openssh');
    expect(Object.fromEntries(lastQuery(INVENTORY))).toEqual({ limit: '50', offset: '0', sort: 'product', dir: 'asc' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Phần mềm và dịch vụ');
    expect(screen.getByTestId('inventory-count').textContent).toBe('1.234 mục');
    const [first, second] = within(table).getAllByTestId('inventory-row');
    expect(first?.textContent).toContain('cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*');
    expect(first?.textContent).toContain('22/tcp');
    expect(first?.textContent).toContain('03/06/2024');
    expect(
      within(first as HTMLElement)
        .getByText('10.31.113.5')
        .getAttribute('href'),
    ).toBe('/vulnerabilities/findings?computerId=10000000-0000-4000-8000-000000000001&host=10.31.113.5');
    expect(
      within(second as HTMLElement)
        .getByText('Hệ thống quản lý văn bản')
        .getAttribute('href'),
    ).toBe('/systems/view?id=30000000-0000-4000-8000-000000000001');
    expect(second?.textContent).toContain('Hệ thống thông tin');
  });

  it('searches, filters by source and sorts on the server, all kept in the URL', async () => {
    const user = userEvent.setup();
    const router = renderPage(InventoryPage, { url: '/inventory', role: 'department' });
    await screen.findByText('openssh');
    await user.type(screen.getByTestId('inventory-search'), 'quan ly van ban{Enter}');
    await waitFor(() => expect(lastQuery(INVENTORY).get('q')).toBe('quan ly van ban'));
    await user.selectOptions(screen.getByTestId('inventory-kind'), 'system');
    await waitFor(() => expect(lastQuery(INVENTORY).get('kind')).toBe('system'));
    await user.click(screen.getByTestId('sort-lastSeen'));
    await waitFor(() => expect(lastQuery(INVENTORY).get('sort')).toBe('lastSeen'));
    expect(Object.fromEntries(new URLSearchParams(router.state.location.searchStr))).toMatchObject({
      q: 'quan ly van ban',
      kind: 'system',
      sort: 'lastSeen',
    });
  });

  it('sends nothing the server would refuse from a hand-edited URL, and says when nothing matches', async () => {
    serve({
      'GET /api/organisations': () => [],
      [`GET ${INVENTORY}`]: () => ({ items: [], total: 0 }),
    });
    renderPage(InventoryPage, { url: '/inventory?kind=printer&org=not-an-id&sort=password&q=zzz', role: 'viewer' });
    await screen.findByText('Không có mục nào khớp với điều kiện tìm kiếm.');
    const q = lastQuery(INVENTORY);
    expect(q.has('kind')).toBe(false);
    expect(q.has('organisationId')).toBe(false);
    expect(q.get('sort')).toBe('product');
  });
});
