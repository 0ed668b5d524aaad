/**
 * Deployments (provider + model) that failed recently and are skipped until
 * their cooldown ends. Kept in process memory: a Lambda container or the local
 * host each learn on their own, which costs at most one failed call per
 * container and needs no shared state on the hot path.
 */
export class Cooldowns {
  private readonly until = new Map<string, { at: number; why: string }>();

  constructor(private readonly now: () => number = Date.now) {}

  cool(deployment: string, ms: number, why: string): void {
    if (ms > 0) this.until.set(deployment, { at: this.now() + ms, why });
  }

  clear(deployment: string): void {
    this.until.delete(deployment);
  }

  /** Why and for how long the deployment is cooling down, or undefined when it may be called. */
  check(deployment: string): { remainingMs: number; why: string } | undefined {
    const entry = this.until.get(deployment);
    if (!entry) return undefined;
    const remainingMs = entry.at - this.now();
    if (remainingMs <= 0) {
      this.until.delete(deployment);
      return undefined;
    }
    return { remainingMs, why: entry.why };
  }
}
