import { describe, expect, it } from 'vitest';
import { installDataKeys, newDataKeyText, open, parseDataKeys, seal, SealedValueError } from '../../../core/safety/sealed-values.ts';

const keys = (text: string) => {
  const parsed = parseDataKeys(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};

describe('sealed values', () => {
  const first = newDataKeyText('one');
  const second = newDataKeyText('two');

  it('seals with the first key, opens with any, and never seals the same text the same way', () => {
    installDataKeys(keys(first));
    const sealed = seal('t.c', '退款 please: card 4242');
    expect(sealed).toMatch(/^lyc1:one:[\w-]+$/);
    expect(sealed).not.toContain('4242');
    expect(seal('t.c', '退款 please: card 4242')).not.toBe(sealed);
    installDataKeys(keys(`${second},${first}`));
    expect(open('t.c', sealed)).toBe('退款 please: card 4242');
    expect(seal('t.c', 'x')).toMatch(/^lyc1:two:/);
  });

  it('fails loudly on a flipped byte, a truncated value, another column, or an unknown key', () => {
    const failures: string[] = [];
    installDataKeys(keys(first), (failure) => failures.push(failure.reason));
    const sealed = seal('t.c', 'secret');
    const bytes = Buffer.from(sealed.split(':')[2]!, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => open('t.c', `lyc1:one:${bytes.toString('base64url')}`)).toThrow(SealedValueError);
    expect(() => open('t.c', sealed.slice(0, 20))).toThrow(/\(format\)/);
    expect(() => open('t.other', sealed)).toThrow(/\(authentication\)/);
    installDataKeys(keys(second), (failure) => failures.push(failure.reason));
    expect(() => open('t.c', sealed)).toThrow(/\(unknown_key\)/);
    expect(failures).toEqual(['authentication', 'format', 'authentication', 'unknown_key']);
  });

  it('reads a value written before its column was sealed as it is', () => {
    installDataKeys(keys(first));
    expect(open('t.c', 'cus_plain')).toBe('cus_plain');
  });

  it('refuses malformed keyrings without echoing them', () => {
    expect(parseDataKeys('')).toEqual({ error: 'give at least one key' });
    expect(parseDataKeys('UPPER:abc')).toMatchObject({ error: expect.stringContaining('id of 1-16 characters') });
    const short = parseDataKeys(`k1:${Buffer.alloc(16).toString('base64')}`);
    expect(short).toEqual({ error: 'key k1 must be 32 bytes (base64 of 32 random bytes)' });
    expect(parseDataKeys(`${first},${first}`)).toEqual({ error: 'key one is given twice' });
  });
});
