import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { describeEmail } from './delivery.ts';

const SMTP = {
  KHIEN_SMTP_URL: 'smtps://khien:m%E1%BA%ADt-kh%E1%BA%A9u@mail.laocai.gov.vn:465',
  KHIEN_SMTP_FROM: 'Khiên <khien@laocai.gov.vn>',
  KHIEN_PUBLIC_URL: 'https://khien.laocai.gov.vn/',
};

describe('e-mail configuration', () => {
  it('without KHIEN_SMTP_URL (unset or empty) keeps notifications in the app, and says so', () => {
    for (const env of [{}, { KHIEN_SMTP_URL: '' }]) {
      const config = loadConfig(env);
      expect(config.smtp).toBeUndefined();
      expect(describeEmail(config)).toContain('chưa cấu hình KHIEN_SMTP_URL, thông báo chỉ hiển thị trong ứng dụng');
    }
  });

  it('names the server and the digest hour at start, never the password', () => {
    const config = loadConfig({ ...SMTP, KHIEN_DIGEST_HOUR: '6' });
    expect(config.publicUrl).toBe('https://khien.laocai.gov.vn');
    const line = describeEmail(config);
    expect(line).toContain('smtps://khien@mail.laocai.gov.vn:465');
    expect(line).toContain('hằng ngày lúc 06:00');
    expect(line).not.toMatch(/m%E1|mật/);
  });

  it('refuses an address that is not SMTP, and SMTP without a sender or a public address for the links', () => {
    expect(() => loadConfig({ ...SMTP, KHIEN_SMTP_URL: 'http://mail.laocai.gov.vn' })).toThrow(
      'KHIEN_SMTP_URL: an smtp:// or smtps:// address',
    );
    expect(() => loadConfig({ ...SMTP, KHIEN_SMTP_FROM: '' })).toThrow(
      /KHIEN_SMTP_FROM[\s\S]*required when KHIEN_SMTP_URL/,
    );
    expect(() => loadConfig({ ...SMTP, KHIEN_PUBLIC_URL: undefined })).toThrow(
      /KHIEN_PUBLIC_URL[\s\S]*required when KHIEN_SMTP_URL/,
    );
    expect(() => loadConfig({ ...SMTP, KHIEN_DIGEST_HOUR: '24' })).toThrow();
  });
});
