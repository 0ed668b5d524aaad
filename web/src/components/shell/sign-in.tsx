'use client';
import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useState,
} from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { Loading } from '@/components/ui/states';
import { ApiError, api } from '@/lib/api';
import {
  type ClerkAccount,
  type ClerkClient,
  clerkAccount,
  clerkCredential,
  loadClerk,
} from '@/lib/clerk-session';
import {
  onCredentialRefused,
  setCredentialSource,
  storeCredential,
  storedCredential,
} from '@/lib/credential';
import { useDashboard } from '@/lib/dashboard-config';

/** Who the dashboard is signed in as, for the account menu. */
export type Account =
  | { kind: 'open' }
  | { kind: 'key'; keyPrefix: string }
  | { kind: 'clerk'; account: ClerkAccount; switchOrganization(id: string | null): Promise<void> };

interface AccountState {
  account: Account | null;
  signOut(): void;
}

const AccountContext = createContext<AccountState>({ account: null, signOut: () => {} });

export function useAccount(): AccountState {
  return useContext(AccountContext);
}

/** What is shown instead of a page when a call came back 401. */
const KEY_REFUSED =
  'The API refused your API key: it was revoked or has expired. Sign in with a current key.';
const SESSION_REFUSED = 'The API refused your session: it has ended. Sign in again.';

/**
 * Shows the pages only to someone signed in when `GET /v1/config` says sign-in is required:
 * with Clerk when it gives a publishable key, else with an API key. A 401 from any call sends
 * the user back here with the reason.
 */
export function SignInGate({ header, children }: { header: ReactNode; children: ReactNode }) {
  const { config } = useDashboard();
  if (config.auth !== 'required')
    return (
      <AccountContext.Provider value={{ account: { kind: 'open' }, signOut: () => {} }}>
        {header}
        {children}
      </AccountContext.Provider>
    );
  if (config.clerkPublishableKey)
    return (
      <ClerkGate publishableKey={config.clerkPublishableKey} proxyUrl={config.clerkProxyUrl} header={header}>
        {children}
      </ClerkGate>
    );
  return <ApiKeyGate header={header}>{children}</ApiKeyGate>;
}

/** The first part of a key (`tt_test_<id>`): enough to tell keys apart, never the secret. */
function keyPrefix(key: string): string {
  return key.split('_').slice(0, 3).join('_');
}

function ApiKeyGate({ header, children }: { header: ReactNode; children: ReactNode }) {
  const [key, setKey] = useState<string | null>(() => storedCredential());
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    setCredentialSource(async () => storedCredential());
    onCredentialRefused((hadCredential) => {
      storeCredential(null);
      setKey(null);
      setNotice(hadCredential ? KEY_REFUSED : 'Sign in to continue.');
    });
    return () => onCredentialRefused(undefined);
  }, []);
  const signOut = useCallback(() => {
    storeCredential(null);
    setKey(null);
    setNotice('Signed out. The key was removed from this browser.');
  }, []);
  if (!key)
    return (
      <>
        {header}
        <ApiKeySignIn
          notice={notice}
          onSignedIn={(k) => {
            storeCredential(k);
            setNotice(undefined);
            setKey(k);
          }}
        />
      </>
    );
  return (
    <AccountContext.Provider value={{ account: { kind: 'key', keyPrefix: keyPrefix(key) }, signOut }}>
      {header}
      {children}
    </AccountContext.Provider>
  );
}

function ApiKeySignIn({
  notice,
  onSignedIn,
}: {
  notice?: string | undefined;
  onSignedIn(key: string): void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const key = value.trim();
    setError(undefined);
    if (!key.startsWith('tt_')) {
      setError('An API key starts with tt_ (make one with `npx techteam keys create`).');
      return;
    }
    setChecking(true);
    try {
      await api.checkKey(key);
      onSignedIn(key);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The API refused this key: it is unknown, revoked or expired.'
          : err instanceof ApiError
            ? err.message
            : String(err),
      );
    } finally {
      setChecking(false);
    }
  };
  return (
    <main id="main" className="mx-auto grid max-w-md gap-4 px-4 py-10">
      <h1 className="text-xl font-semibold">Sign in</h1>
      {notice && (
        <p role="status" data-testid="sign-in-notice" className="rounded-md border p-3 text-sm">
          {notice}
        </p>
      )}
      <Card>
        <CardTitle>With an API key</CardTitle>
        <p className="mb-3 text-sm text-muted-foreground">
          This host asks for a credential. Paste one of your organization's API keys; it stays in this browser
          until you sign out.
        </p>
        <form className="grid gap-3" onSubmit={submit} aria-label="Sign in">
          <Field label="API key" error={error}>
            <Input
              name="apiKey"
              type="password"
              autoComplete="off"
              placeholder="tt_test_…"
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </Field>
          <Button type="submit" disabled={checking || !value.trim()}>
            {checking ? 'Checking…' : 'Sign in'}
          </Button>
        </form>
      </Card>
    </main>
  );
}

function ClerkGate({
  publishableKey,
  proxyUrl,
  header,
  children,
}: {
  publishableKey: string;
  proxyUrl?: string | undefined;
  header: ReactNode;
  children: ReactNode;
}) {
  const [clerk, setClerk] = useState<ClerkClient>();
  const [account, setAccount] = useState<ClerkAccount | null>(null);
  const [failure, setFailure] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    let unsubscribe: (() => void) | undefined;
    loadClerk(publishableKey, proxyUrl).then(
      (c) => {
        setCredentialSource(clerkCredential(c));
        unsubscribe = c.addListener(() => setAccount(clerkAccount(c)));
        setAccount(clerkAccount(c));
        setClerk(c);
      },
      (e: unknown) => setFailure(e instanceof Error ? e.message : String(e)),
    );
    onCredentialRefused((hadCredential) => {
      setNotice(hadCredential ? SESSION_REFUSED : 'Sign in to continue.');
    });
    return () => {
      unsubscribe?.();
      onCredentialRefused(undefined);
    };
  }, [publishableKey, proxyUrl]);
  const signOut = useCallback(() => {
    clerk?.signOut().then(
      () => setNotice('Signed out.'),
      (e: unknown) =>
        setFailure(`Clerk could not sign you out: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, [clerk]);
  if (failure)
    return (
      <>
        {header}
        <main id="main" className="mx-auto max-w-md px-4 py-10">
          <p role="alert" className="text-sm text-destructive">
            {failure}
          </p>
        </main>
      </>
    );
  if (!clerk) return <Loading what="sign-in" />;
  if (!account || notice)
    return (
      <>
        {header}
        <main id="main" className="mx-auto grid max-w-md gap-4 px-4 py-10">
          <h1 className="text-xl font-semibold">Sign in</h1>
          {notice && (
            <p role="status" data-testid="sign-in-notice" className="rounded-md border p-3 text-sm">
              {notice}
            </p>
          )}
          <p className="text-sm text-muted-foreground">
            Sign in with your account; your organization's tasks, usage and settings follow.
          </p>
          <Button
            onClick={() => {
              setNotice(undefined);
              // Signed in already (the API refused a stale token): a fresh token may be all it needs.
              if (account) return;
              clerk.redirectToSignIn({ redirectUrl: window.location.href }).catch((e: unknown) => {
                setFailure(
                  `Clerk could not open its sign-in page: ${e instanceof Error ? e.message : String(e)}`,
                );
              });
            }}
          >
            Continue to sign-in
          </Button>
        </main>
      </>
    );
  const switchOrganization = async (id: string | null) => {
    await clerk.setActive({ organization: id });
    setAccount(clerkAccount(clerk));
  };
  return (
    <AccountContext.Provider value={{ account: { kind: 'clerk', account, switchOrganization }, signOut }}>
      {header}
      {/* A new organization is a new tenant: every page loads its data again. */}
      <div key={account.organizationId ?? 'personal'}>{children}</div>
    </AccountContext.Provider>
  );
}
