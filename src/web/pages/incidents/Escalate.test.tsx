// @vitest-environment jsdom
import { sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { INCIDENT_ID, row } from '../../../../tests/web/incidents.ts';
import { renderPage } from '../../../../tests/web/render.tsx';
import { SocTriageActions } from '../soc/SocTriageActions.tsx';

const FINDING = '33333333-3333-4333-8333-333333333333';
const TRIAGE = `/api/soc/findings/${FINDING}/triage`;

const Panel = () => <SocTriageActions finding={{ id: FINDING, status: 'confirmed' }} />;

describe('escalating a SOC finding', () => {
  it('opens a new incident and leads to it', async () => {
    serve({
      'GET /api/incidents': () => ({ items: [], total: 0 }),
      [`POST ${TRIAGE}`]: () => ({ id: FINDING, status: 'escalated', incidentId: INCIDENT_ID }),
    });
    const user = userEvent.setup();
    const router = renderPage(Panel, { url: '/soc/scanners', role: 'soc' });
    await user.click(await screen.findByTestId('triage-escalated'));
    await user.click(screen.getByTestId('triage-submit'));
    await waitFor(() => expect(router.state.location.href).toBe(`/incidents/view?id=${INCIDENT_ID}`));
    expect(sentTo(TRIAGE, 'POST')[0]?.body).toEqual({ status: 'escalated' });
  });

  it('links it to an open incident chosen from the list', async () => {
    const other = '6a1f0c2e-0000-4000-8000-0000000000ff';
    serve({
      'GET /api/incidents': () => ({
        items: [row(), row({ id: other, code: 'SC-2026-0009', state: 'closed' })],
        total: 2,
      }),
      [`POST ${TRIAGE}`]: () => ({ id: FINDING, status: 'escalated', incidentId: INCIDENT_ID }),
    });
    const user = userEvent.setup();
    const router = renderPage(Panel, { url: '/soc/scanners', role: 'soc' });
    await user.click(await screen.findByTestId('triage-escalated'));
    const select = screen.getByTestId('triage-incident') as HTMLSelectElement;
    // A closed incident takes no more findings.
    await waitFor(() => expect(select.options.length).toBe(2));
    await user.selectOptions(select, INCIDENT_ID);
    await user.click(screen.getByTestId('triage-submit'));
    await waitFor(() => expect(router.state.location.href).toBe(`/incidents/view?id=${INCIDENT_ID}`));
    expect(sentTo(TRIAGE, 'POST')[0]?.body).toEqual({ status: 'escalated', incidentId: INCIDENT_ID });
  });
});
