/**
 * Where the dashboard's credential comes from, and what happens when the API refuses it. Signed
 * in with an API key, it is the key this browser stored; signed in with Clerk, it is a session
 * token asked of `clerk.session.getToken()` on every call (they live about a minute; the SDK
 * caches one until shortly before it expires, so asking per call costs nothing).
 */
export type CredentialSource = () => Promise<string | null>;

const CREDENTIAL_KEY = 'techteam.credential';

/** The API key this browser signed in with, if any. */
export function storedCredential(): string | null {
  return typeof localStorage === 'undefined' ? null : localStorage.getItem(CREDENTIAL_KEY);
}

export function storeCredential(value: string | null): void {
  if (value) localStorage.setItem(CREDENTIAL_KEY, value);
  else localStorage.removeItem(CREDENTIAL_KEY);
}

let source: CredentialSource = async () => storedCredential();
let refused: ((hadCredential: boolean) => void) | undefined;

/** Signing in (or out) changes where every later call gets its credential. */
export function setCredentialSource(next: CredentialSource): void {
  source = next;
}

/** The credential to send now: null when the host asks for none or nobody signed in. */
export function currentCredential(): Promise<string | null> {
  return source();
}

/** The sign-in gate listens: a 401 anywhere sends the user back to sign in. */
export function onCredentialRefused(listener: ((hadCredential: boolean) => void) | undefined): void {
  refused = listener;
}

export function credentialRefused(hadCredential: boolean): void {
  refused?.(hadCredential);
}
