/**
 * Bedrock cross-region inference profiles are named by geography: `us.`,
 * `eu.`, `jp.`, `au.`, `apac.`, and `global.` (any commercial region). A stack
 * calls the profile of its own geography, so a deployment outside the US works
 * and its data stays where the operator put the stack.
 */
export const REGION_GROUPS = ['us', 'eu', 'jp', 'au', 'apac', 'global'] as const;
export type RegionGroup = (typeof REGION_GROUPS)[number];

/**
 * The profile geographies a stack in this AWS region may call, most specific
 * first (`global` last: it can run anywhere). GovCloud and China have none.
 */
export function regionGroupsOf(region: string): RegionGroup[] {
  if (/^(us-gov|cn)-/.test(region)) return [];
  const geo: RegionGroup[] = [];
  if (region.startsWith('us-')) geo.push('us');
  else if (region.startsWith('eu-')) geo.push('eu');
  else if (/^ap-northeast-[13]$/.test(region)) geo.push('jp', 'apac');
  else if (/^ap-southeast-[24]$/.test(region)) geo.push('au', 'apac');
  else if (region.startsWith('ap-')) geo.push('apac');
  return [...geo, 'global'];
}

/** The profile id of the first geography this region may call, or undefined when the model has none. */
export function profileFor(
  profiles: Partial<Record<RegionGroup, string>>,
  region: string,
): { group: RegionGroup; id: string } | undefined {
  for (const group of regionGroupsOf(region)) {
    const id = profiles[group];
    if (id) return { group, id };
  }
  return undefined;
}
