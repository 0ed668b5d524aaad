'use client';
import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { Failure, Loading } from '@/components/ui/states';
import { ApiError, api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-config';
import { useLoad } from '@/lib/use-load';
import { ApiKeysCard } from './settings/api-keys-card';

/** Empty clears the limit; anything else must read as dollars (else the API would get null and clear it). */
function usdOrNull(field: string, s: string): number | null {
  if (s.trim() === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n))
    throw new ApiError(400, 'InvalidInput', 'Check the highlighted field', [
      { path: field, message: 'must be an amount in dollars, such as 25' },
    ]);
  return n;
}

/** The tenant's monthly budget, approval threshold and cache opt-in, and its API keys. */
export function SettingsPage() {
  const { ready } = useDashboard();
  const settings = useLoad(() => api.settings(), String(ready));
  const [budget, setBudget] = useState('');
  const [threshold, setThreshold] = useState('');
  const [cache, setCache] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const s = settings.data?.settings;
  useEffect(() => {
    if (!s) return;
    setBudget(s.monthlyBudgetUsd === null ? '' : String(s.monthlyBudgetUsd));
    setThreshold(s.approvalThresholdUsd === null ? '' : String(s.approvalThresholdUsd));
    setCache(s.heliconeCache);
  }, [s]);
  const fieldError = (name: string) => error?.fields.find((f) => f.path === name)?.message;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      const monthlyBudgetUsd = usdOrNull('monthlyBudgetUsd', budget);
      const approvalThresholdUsd = usdOrNull('approvalThresholdUsd', threshold);
      settings.set(await api.putSettings({ monthlyBudgetUsd, approvalThresholdUsd, heliconeCache: cache }));
      setSaved(true);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Unknown', String(err)));
    }
  };

  return (
    <div className="grid max-w-xl gap-4">
      <h1 className="text-xl font-semibold">Settings</h1>
      <Card>
        <CardTitle>Spending</CardTitle>
        {settings.loading && !s ? (
          <Loading what="settings" />
        ) : settings.error ? (
          <Failure error={settings.error} retry={settings.reload} />
        ) : (
          <form className="grid gap-3" onSubmit={save} aria-label="Settings">
            <Field label="Monthly budget (USD)" hint="Empty: no cap" error={fieldError('monthlyBudgetUsd')}>
              <Input
                name="monthlyBudgetUsd"
                inputMode="decimal"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
              />
            </Field>
            <Field
              label="Approval threshold (USD)"
              hint="Plans estimated above this wait for your approval; empty: never"
              error={fieldError('approvalThresholdUsd')}
            >
              <Input
                name="approvalThresholdUsd"
                inputMode="decimal"
                value={threshold}
                onChange={(e) => setThreshold(e.target.value)}
              />
            </Field>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="heliconeCache"
                checked={cache}
                onChange={(e) => setCache(e.target.checked)}
              />
              Let identical model calls be answered from Helicone's cache (when Helicone is configured)
            </label>
            {error && !error.fields.length && (
              <p role="alert" className="text-sm text-destructive">
                {error.message}
              </p>
            )}
            {saved && (
              <p role="status" className="text-sm">
                Saved.
              </p>
            )}
            <Button type="submit">Save</Button>
          </form>
        )}
      </Card>
      <ApiKeysCard ready={ready} />
    </div>
  );
}
