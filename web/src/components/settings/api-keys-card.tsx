'use client';
import { type FormEvent, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { Failure, Loading } from '@/components/ui/states';
import { Table, Td, Th } from '@/components/ui/table';
import { ApiError, api } from '@/lib/api';
import { useLoad } from '@/lib/use-load';

const SCOPES = ['tasks:read', 'tasks:write', 'admin'] as const;

/**
 * The tenant's API keys: each with its scopes, when it was last used and whether it is revoked;
 * a new key's secret is shown once, here, and never again (the API keeps only its HMAC).
 */
export function ApiKeysCard({ ready }: { ready: boolean }) {
  const keys = useLoad(() => api.keys(), String(ready));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['tasks:read', 'tasks:write']);
  const [secret, setSecret] = useState<{ name: string; key: string }>();
  const [error, setError] = useState<ApiError>();

  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      keys.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'Unknown', String(e)));
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const made = await api.createKey({ name: name.trim(), scopes });
      setSecret({ name: made.apiKey.name, key: made.key });
      setName('');
    });
  };
  const field = (path: string) => error?.fields.find((f) => f.path === path)?.message;

  return (
    <Card data-testid="api-keys">
      <CardTitle>API keys</CardTitle>
      <p className="mb-2 text-sm text-muted-foreground">
        For the CLI (<code>TECHTEAM_API_KEY</code>) and your programs: send one as{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      {secret && (
        <div role="status" className="mb-3 grid gap-1 rounded border p-2 text-sm" data-testid="new-key">
          <span>
            Key <strong>{secret.name}</strong> made. Copy it now: it is not shown again.
          </span>
          <code className="break-all font-mono text-xs">{secret.key}</code>
        </div>
      )}
      {keys.error ? (
        <Failure error={keys.error} retry={keys.reload} />
      ) : !keys.data ? (
        <Loading what="API keys" />
      ) : keys.data.keys.length === 0 ? (
        <p className="text-sm text-muted-foreground">No keys yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <Table>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Scopes</Th>
                <Th>Last used</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {keys.data.keys.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <Td>
                    {k.name} <span className="font-mono text-xs text-muted-foreground">{k.prefix}…</span>
                  </Td>
                  <Td className="text-xs">{k.scopes.join(', ')}</Td>
                  <Td className="text-xs">
                    {k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}
                  </Td>
                  <Td>
                    {k.revokedAt ? (
                      <Badge tone="neutral">revoked</Badge>
                    ) : (
                      <Button
                        variant="outline"
                        size="sm"
                        aria-label={`Revoke ${k.name}`}
                        onClick={() => void act(() => api.revokeKey(k.id))}
                      >
                        Revoke
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <form onSubmit={create} className="mt-3 grid gap-2">
        <Field label="New key's name" error={field('name')}>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="ci" />
        </Field>
        <fieldset className="flex flex-wrap gap-3 text-sm">
          <legend className="sr-only">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) =>
                  setScopes((now) => (e.target.checked ? [...now, s] : now.filter((x) => x !== s)))
                }
              />
              {s}
            </label>
          ))}
        </fieldset>
        {error && !error.fields.length && (
          <p role="alert" className="text-sm text-destructive">
            {error.message}
          </p>
        )}
        {field('scopes') && (
          <p role="alert" className="text-sm text-destructive">
            Scopes: {field('scopes')}
          </p>
        )}
        <Button type="submit">Make a key</Button>
      </form>
    </Card>
  );
}
