import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random base62 text, the shape of Stripe's id suffixes. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/**
 * Stripe-shaped ids (`cs_test_...`, `sub_...`, `evt_...`). Object ids are random like Stripe's:
 * never order by them. `prefix` includes the underscore-separated parts before the token.
 */
export function newId(prefix: string): string {
  const testPrefixed = prefix === 'cs' || prefix === 'bps';
  return `${prefix}_${testPrefixed ? 'test_' : ''}${randomToken(prefix === 'cs' ? 58 : 24)}`;
}
