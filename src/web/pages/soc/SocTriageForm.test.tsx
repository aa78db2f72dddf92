// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import { SocTriageActions } from './SocTriageActions.tsx';

const ID = '33333333-3333-4333-8333-333333333333';
const TRIAGE = `/api/soc/findings/${ID}/triage`;

const renderForm = () => renderWithProviders(<SocTriageActions finding={{ id: ID, status: 'new' }} />, 'soc');

describe('the triage form', () => {
  beforeEach(() => {
    serve({ [`POST ${TRIAGE}`]: () => ({ id: ID, status: 'confirmed' }) });
  });

  it('refuses a false positive without a reason, with the server’s rule, and sends nothing', async () => {
    const user = userEvent.setup();
    renderForm();
    await user.click(screen.getByTestId('triage-false_positive'));
    const form = screen.getByTestId('triage-form');
    expect(within(form).getByLabelText('Lý do (bắt buộc)')).toBeTruthy();
    // Blank after trimming, like the server's schema reads it.
    await user.type(within(form).getByRole('textbox'), '   ');
    await user.click(screen.getByTestId('triage-submit'));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'Khi đánh dấu cảnh báo nhầm phải nêu lý do (ít nhất 5 ký tự).',
    );
    expect(within(form).getByRole('textbox').getAttribute('aria-invalid')).toBe('true');
    expect(sentTo(TRIAGE, 'POST')).toHaveLength(0);
  });

  it('sends the decision with its note and closes the form', async () => {
    const user = userEvent.setup();
    renderForm();
    await user.click(screen.getByTestId('triage-confirmed'));
    await user.type(screen.getByTestId('triage-note'), '  Quét SMB từ Internet, đã chặn  ');
    await user.click(screen.getByTestId('triage-submit'));
    await waitFor(() => expect(screen.queryByTestId('triage-form')).toBeNull());
    expect(sentTo(TRIAGE, 'POST')[0]?.body).toEqual({ status: 'confirmed', note: 'Quét SMB từ Internet, đã chặn' });
    // Confirming without a note sends no note at all.
    await user.click(screen.getByTestId('triage-escalated'));
    await user.click(screen.getByTestId('triage-submit'));
    await waitFor(() => expect(sentTo(TRIAGE, 'POST')).toHaveLength(2));
    expect(sentTo(TRIAGE, 'POST')[1]?.body).toEqual({ status: 'escalated' });
  });

  it('puts the server’s refusal of a field on that field, translated', async () => {
    serve({
      [`POST ${TRIAGE}`]: () =>
        json(
          {
            error: {
              code: 'VALIDATION',
              message: 'body/note socTriageNoteTooLong',
              details: [{ path: '/note', message: 'socTriageNoteTooLong' }],
            },
          },
          400,
        ),
    });
    const user = userEvent.setup();
    renderForm();
    await user.click(screen.getByTestId('triage-false_positive'));
    await user.type(screen.getByTestId('triage-note'), 'Máy quét của Sở TT&TT');
    await user.click(screen.getByTestId('triage-submit'));
    const form = screen.getByTestId('triage-form');
    expect((await within(form).findByRole('alert')).textContent).toBe('Ghi chú không được dài quá 2.000 ký tự.');
    expect(sentTo(TRIAGE, 'POST')).toHaveLength(1);
    // On the field, not repeated as a banner.
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('shows a refusal that names no field above the form, in the reader’s language', async () => {
    serve({
      [`POST ${TRIAGE}`]: () =>
        json({ error: { code: 'NOT_FOUND', message: 'Finding not found', key: 'socFindingNotFound' } }, 404),
    });
    const user = userEvent.setup();
    renderForm();
    await user.click(screen.getByTestId('triage-confirmed'));
    await user.click(screen.getByTestId('triage-submit'));
    expect((await screen.findByTestId('error')).textContent).toContain(
      'Không tìm thấy phát hiện này, hoặc phát hiện không liên quan đến đơn vị của bạn.',
    );
    // The form stays open with what was typed.
    expect(screen.getByTestId('triage-form')).toBeTruthy();
  });
});
