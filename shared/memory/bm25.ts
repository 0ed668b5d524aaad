import { tokenize } from './tokenize';

export interface RankedId {
  id: string;
  score: number;
}

/**
 * Okapi BM25 (k1 1.2, b 0.75) over a set of passages. Written here rather than taken from a
 * library: the ones on npm rank with BM25+ or fuzzy variants, and the bench compares against the
 * textbook formula; it is forty lines and has no state beyond its postings.
 */
export class Bm25 {
  private readonly postings = new Map<string, Map<string, number>>();
  private readonly lengths = new Map<string, number>();
  private totalLength = 0;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  add(id: string, text: string): void {
    const terms = tokenize(text);
    this.lengths.set(id, terms.length);
    this.totalLength += terms.length;
    for (const term of terms) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, (posting.get(id) ?? 0) + 1);
    }
  }

  get size(): number {
    return this.lengths.size;
  }

  search(query: string, limit: number, accept: (id: string) => boolean = () => true): RankedId[] {
    const n = this.lengths.size;
    if (n === 0) return [];
    const avg = this.totalLength / n || 1;
    const scores = new Map<string, number>();
    for (const term of new Set(tokenize(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.size + 0.5) / (posting.size + 0.5));
      for (const [id, tf] of posting) {
        if (!accept(id)) continue;
        const len = this.lengths.get(id) ?? 0;
        const s = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * len) / avg));
        scores.set(id, (scores.get(id) ?? 0) + s);
      }
    }
    return [...scores]
      .map(([id, score]) => ({ id, score }))
      .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id))
      .slice(0, limit);
  }
}

/**
 * Reciprocal-rank fusion (Cormack et al., k = 60): each list adds 1/(k + rank) for every id it
 * ranks, so an id high in both lists wins without comparing BM25 scores to cosines.
 */
export function reciprocalRankFusion(lists: readonly (readonly RankedId[])[], k = 60): RankedId[] {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach(({ id }, rank) => {
      fused.set(id, (fused.get(id) ?? 0) + 1 / (k + rank + 1));
    });
  }
  return [...fused]
    .map(([id, score]) => ({ id, score }))
    .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
}
