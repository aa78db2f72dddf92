import { describe, expect, it } from 'vitest';
import { linkToken, verifyLinkToken } from './links.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('phishing link tokens', () => {
  it('take only the spelling they were made with', () => {
    const key = Buffer.alloc(32, 3);
    const id = '322e811c-78a1-46c2-9472-d7b10cf58202';
    const token = linkToken(key, id);
    expect(verifyLinkToken(key, token)).toBe(id);
    // The last character's lowest bit is not part of the 32-byte signature: flipped, it decodes to the same bytes.
    const last = ALPHABET.indexOf(token.at(-1) as string);
    const respelled = `${token.slice(0, -1)}${ALPHABET[last ^ 1]}`;
    expect(Buffer.from(respelled.split('.')[1] as string, 'base64url')).toEqual(
      Buffer.from(token.split('.')[1] as string, 'base64url'),
    );
    expect(verifyLinkToken(key, respelled)).toBeNull();
  });
});
