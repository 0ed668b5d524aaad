import { describe, expect, it } from 'vitest';
import { embedderLabel } from './embedder';
import { OfflineEmbedder } from './offline-embedder';

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('the offline embedder', () => {
  const e = new OfflineEmbedder();

  it('gives unit vectors, the same for the same text, closer for shared words than for none', () => {
    const a = e.vector('supersonic flow over a heated wing');
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
    expect(e.vector('supersonic flow over a heated wing')).toEqual(a);
    expect(a.every(Number.isFinite)).toBe(true);
    const near = dot(a, e.vector('heated wing in supersonic flow'));
    const far = dot(a, e.vector('quarterly sales of garden furniture'));
    expect(near).toBeGreaterThan(0.5);
    expect(near).toBeGreaterThan(far + 0.4);
  });

  it('says it is lexical wherever it is shown, and costs nothing', async () => {
    expect(e.semantic).toBe(false);
    expect(embedderLabel(e)).toContain('lexical');
    const { usage } = await e.embed(['one', 'two']);
    expect(usage).toMatchObject({ provider: 'offline', inputTokens: 0 });
  });
});
