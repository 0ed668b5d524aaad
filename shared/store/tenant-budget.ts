import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Tenant } from '../domain';
import { ConcurrentUpdate } from '../errors';
import { effectiveMonthlyBudgetMicroUsd } from '../money';
import { keys, stripKeys } from './keys';
import type { Store } from './store';

/** A change to the tenant's own settings; null clears a limit, undefined leaves it. */
export interface TenantSettingsChange {
  spendCapMicroUsd?: number | null;
  approvalThresholdMicroUsd?: number | null;
  heliconeCache?: boolean;
}

const ATTEMPTS = 5;

async function readTenantItem(store: Store, tenantId: string): Promise<Record<string, unknown> | undefined> {
  const out = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: keys.tenant(tenantId), ConsistentRead: true }),
  );
  return out.Item;
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * The tenant's own cap on an item. An item written before the cap had its own attribute, and that
 * billing never touched, holds it as `monthlyBudgetMicroUsd` (then the settings' only writer).
 */
function spendCapOf(item: Record<string, unknown> | undefined): number | undefined {
  const cap = num(item?.['spendCapMicroUsd']);
  if (cap !== undefined || num(item?.['planAllowanceMicroUsd']) !== undefined) return cap;
  return num(item?.['monthlyBudgetMicroUsd']);
}

/** `attribute = value`, or absent when the value read was absent: what a derived write rests on. */
function unchanged(name: string, value: number | undefined, values: Record<string, unknown>): string {
  if (value === undefined) return `attribute_not_exists(${name})`;
  values[`:was${name.slice(1)}`] = value;
  return `${name} = :was${name.slice(1)}`;
}

/**
 * Applies a settings change with an update of the named attributes only (never a whole-item put,
 * which would drop what billing wrote since the read), and writes the monthly budget derived from
 * the new spend cap and the plan's allowance in the same update, on the condition that the
 * allowance is still the one read; when billing changed it meanwhile, reads again and retries.
 */
export async function updateTenantSettings(
  store: Store,
  tenantId: string,
  change: TenantSettingsChange,
  now: () => Date = () => new Date(),
): Promise<Tenant> {
  for (let attempt = 0; ; attempt++) {
    const item = await readTenantItem(store, tenantId);
    const allowance = num(item?.['planAllowanceMicroUsd']);
    const cap =
      change.spendCapMicroUsd === undefined ? spendCapOf(item) : (change.spendCapMicroUsd ?? undefined);
    const budget = effectiveMonthlyBudgetMicroUsd({
      planAllowanceMicroUsd: allowance,
      spendCapMicroUsd: cap,
    });
    const names: Record<string, string> = {
      '#id': 'id',
      '#name': 'name',
      '#plan': 'plan',
      '#createdAt': 'createdAt',
      '#entity': 'entity',
      '#budget': 'monthlyBudgetMicroUsd',
      '#allowance': 'planAllowanceMicroUsd',
    };
    const values: Record<string, unknown> = {
      ':id': tenantId,
      ':plan': tenantId === 'local' ? 'local' : 'free',
      ':now': now().toISOString(),
      ':entity': 'tenant',
    };
    const sets = [
      '#id = if_not_exists(#id, :id)',
      '#name = if_not_exists(#name, :id)',
      '#plan = if_not_exists(#plan, :plan)',
      '#createdAt = if_not_exists(#createdAt, :now)',
      '#entity = if_not_exists(#entity, :entity)',
    ];
    const removes: string[] = [];
    const field = (attribute: string, value: number | boolean | null | undefined) => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      if (value === null) removes.push(`#${attribute}`);
      else {
        values[`:${attribute}`] = value;
        sets.push(`#${attribute} = :${attribute}`);
      }
    };
    field('spendCapMicroUsd', change.spendCapMicroUsd === undefined ? cap : change.spendCapMicroUsd);
    field('approvalThresholdMicroUsd', change.approvalThresholdMicroUsd);
    field('heliconeCache', change.heliconeCache);
    if (budget === undefined) removes.push('#budget');
    else {
      values[':budget'] = budget;
      sets.push('#budget = :budget');
    }
    try {
      const out = await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: keys.tenant(tenantId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: unchanged('#allowance', allowance, values),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Tenant.parse(stripKeys(out.Attributes ?? {}));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      if (attempt + 1 >= ATTEMPTS) throw new ConcurrentUpdate('tenant settings', tenantId);
    }
  }
}

/**
 * Writes the monthly budget again from its inputs as they are now, if it no longer matches them:
 * billing writes the allowance and a budget derived from the spend cap it read, so a settings
 * change landing between that read and that write is folded in here. Conditional on both inputs,
 * so of two reconcilers the later reads never lose to the earlier.
 */
export async function reconcileMonthlyBudget(store: Store, tenantId: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const item = await readTenantItem(store, tenantId);
    if (!item) return undefined;
    const allowance = num(item['planAllowanceMicroUsd']);
    const cap = spendCapOf(item);
    const want = effectiveMonthlyBudgetMicroUsd({ planAllowanceMicroUsd: allowance, spendCapMicroUsd: cap });
    if (want === num(item['monthlyBudgetMicroUsd'])) return want;
    const values: Record<string, unknown> = {};
    const condition = `${unchanged('#allowance', allowance, values)} AND ${unchanged('#cap', num(item['spendCapMicroUsd']), values)}`;
    if (want !== undefined) values[':budget'] = want;
    try {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: keys.tenant(tenantId),
          UpdateExpression: want === undefined ? 'REMOVE #budget' : 'SET #budget = :budget',
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            '#budget': 'monthlyBudgetMicroUsd',
            '#allowance': 'planAllowanceMicroUsd',
            '#cap': 'spendCapMicroUsd',
          },
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return want;
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }
  throw new ConcurrentUpdate('tenant monthly budget', tenantId);
}

/** The tenant's own spend cap as last written (what billing derives the budget with). */
export async function tenantSpendCap(store: Store, tenantId: string): Promise<number | undefined> {
  return spendCapOf(await readTenantItem(store, tenantId));
}
