/**
 * What a tenant's monthly budget is made of. Each input has one writer: billing writes the plan's
 * allowance (its credit plus the tenant's overage cap, only while billing is on); `PUT /v1/settings`
 * writes the tenant's own spend cap. Neither writes the other's.
 */
export interface MonthlyBudgetInputs {
  planAllowanceMicroUsd?: number | undefined;
  spendCapMicroUsd?: number | undefined;
}

/**
 * The tenant's monthly budget, the one value the gateway's reservation checks (the tenant item's
 * `monthlyBudgetMicroUsd`): the lesser of the plan's allowance and the tenant's own cap, whichever
 * are set; none when neither is (billing off and no cap: no monthly limit).
 */
export function effectiveMonthlyBudgetMicroUsd(inputs: MonthlyBudgetInputs): number | undefined {
  const limits = [inputs.planAllowanceMicroUsd, inputs.spendCapMicroUsd].filter(
    (v): v is number => typeof v === 'number',
  );
  return limits.length ? Math.min(...limits) : undefined;
}
