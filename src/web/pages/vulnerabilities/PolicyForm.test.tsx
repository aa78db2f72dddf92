// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import { PolicyForm } from './ImportPage.tsx';

const POLICY = '/api/vulnerabilities/policy';
const CURRENT = { critical: 7, high: 30, medium: 90, low: 180, info: 365 };

const show = () => renderWithProviders(<PolicyForm />, 'department');

describe('the remediation deadlines form', () => {
  it('shows the current deadlines and refuses a day count out of range on its field, sending nothing', async () => {
    serve({ [`GET ${POLICY}`]: () => CURRENT, [`PUT ${POLICY}`]: () => CURRENT });
    const user = userEvent.setup();
    show();
    const critical = within(await screen.findByTestId('policy-critical')).getByRole('spinbutton');
    await waitFor(() => expect((critical as HTMLInputElement).value).toBe('7'));
    await user.clear(critical);
    await user.type(critical, '0');
    const high = within(screen.getByTestId('policy-high')).getByRole('spinbutton');
    await user.clear(high);
    await user.click(screen.getByTestId('policy-save'));
    expect(within(screen.getByTestId('policy-critical')).getByRole('alert').textContent).toBe(
      'Số ngày phải là số nguyên từ 1 đến 3.650.',
    );
    expect(within(screen.getByTestId('policy-high')).getByRole('alert').textContent).toBe(
      'Số ngày phải là số nguyên từ 1 đến 3.650.',
    );
    expect(sentTo(POLICY, 'PUT')).toHaveLength(0);
  });

  it('saves whole days, and puts what the server refuses on the field it names', async () => {
    serve({
      [`GET ${POLICY}`]: () => CURRENT,
      [`PUT ${POLICY}`]: () =>
        json(
          {
            error: {
              code: 'VALIDATION',
              message: 'body/medium vuln.policyDays',
              details: [{ path: '/medium', message: 'vuln.policyDays' }],
            },
          },
          400,
        ),
    });
    const user = userEvent.setup();
    show();
    const critical = within(await screen.findByTestId('policy-critical')).getByRole('spinbutton');
    await waitFor(() => expect((critical as HTMLInputElement).value).toBe('7'));
    await user.clear(critical);
    await user.type(critical, '14');
    await user.click(screen.getByTestId('policy-save'));
    await waitFor(() => expect(within(screen.getByTestId('policy-medium')).queryByRole('alert')).not.toBeNull());
    expect(sentTo(POLICY, 'PUT')[0]?.body).toEqual({ critical: 14, high: 30, medium: 90, low: 180 });
  });
});
