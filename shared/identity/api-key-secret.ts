import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type KeyEnvironment = 'live' | 'test';

/** The parts of `tt_<live|test>_<key id>_<secret>`. */
export interface ParsedApiKey {
  environment: KeyEnvironment;
  keyId: string;
  secret: string;
}

const KEY_PATTERN = /^tt_(live|test)_([a-z0-9]{16})_([A-Za-z0-9]{40})$/;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(alphabet: string, length: number): string {
  // 248 = 62 × 4 and 252 = 36 × 7: bytes past the last whole multiple are skipped, so no character is likelier.
  const ceiling = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < ceiling && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/** A new key: 16 characters of id (lowercase, for lookups) and 40 of base62 secret (~238 bits). */
export function newApiKey(environment: KeyEnvironment): ParsedApiKey & { key: string; prefix: string } {
  const keyId = randomText('abcdefghijklmnopqrstuvwxyz0123456789', 16);
  const secret = randomText(BASE62, 40);
  const prefix = `tt_${environment}_${keyId}`;
  return { environment, keyId, secret, prefix, key: `${prefix}_${secret}` };
}

/** The parts of a key, or undefined when the text is not one. */
export function parseApiKey(text: string): ParsedApiKey | undefined {
  const m = KEY_PATTERN.exec(text);
  if (!m) return undefined;
  return { environment: m[1] as KeyEnvironment, keyId: m[2]!, secret: m[3]! };
}

/** What is stored for a key: HMAC-SHA256 of the secret under the server's pepper, hex. */
export function hashSecret(pepper: Buffer, keyId: string, secret: string): string {
  return createHmac('sha256', pepper).update(`${keyId}.${secret}`).digest('hex');
}

/** Compares a presented secret with the stored hash in constant time. */
export function secretMatches(pepper: Buffer, keyId: string, secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(pepper, keyId, secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
