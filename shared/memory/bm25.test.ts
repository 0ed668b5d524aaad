import { describe, expect, it } from 'vitest';
import { Bm25, reciprocalRankFusion } from './bm25';

describe('BM25 and reciprocal-rank fusion', () => {
  it('ranks the passage with the rarer query term first and ignores passages without any term', () => {
    const bm25 = new Bm25();
    bm25.add('a', 'the cat sat on the mat');
    bm25.add('b', 'the dog chased the cat');
    bm25.add('c', 'a zebra grazes');
    const ranked = bm25.search('dog cat', 10);
    expect(ranked.map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('fuses lists so an id high in both beats one at the top of one only', () => {
    const fused = reciprocalRankFusion([
      [
        { id: 'x', score: 9 },
        { id: 'y', score: 8 },
      ],
      [
        { id: 'y', score: 0.9 },
        { id: 'z', score: 0.8 },
      ],
    ]);
    expect(fused[0]!.id).toBe('y');
    expect(fused.map((f) => f.id).sort()).toEqual(['x', 'y', 'z']);
  });
});
