import { describe, expect, it } from 'vitest';
import { onFirstUse } from './first-use';

describe('onFirstUse', () => {
  it('builds nothing until asked, then once for every caller, concurrent ones included', async () => {
    let builds = 0;
    const get = onFirstUse(async () => ({ n: ++builds }));
    expect(builds).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(builds).toBe(1);
  });

  it('does not keep a failure: the next use builds again', async () => {
    let builds = 0;
    const get = onFirstUse(async () => {
      builds++;
      if (builds === 1) throw new Error('throttled');
      return 'client';
    });
    await expect(get()).rejects.toThrow('throttled');
    expect(await get()).toBe('client');
    expect(await get()).toBe('client');
    expect(builds).toBe(2);
  });
});
