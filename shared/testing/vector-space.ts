/** A filter in the Mongo-like language Pinecone and S3 Vectors share ($eq, $ne, $in, $and, $or, or a bare value). */
export type MetadataFilter = Record<string, unknown>;

export function matchesFilter(
  metadata: Record<string, unknown>,
  filter: MetadataFilter | undefined,
): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and') return (cond as MetadataFilter[]).every((f) => matchesFilter(metadata, f));
    if (key === '$or') return (cond as MetadataFilter[]).some((f) => matchesFilter(metadata, f));
    const value = metadata[key];
    if (cond === null || typeof cond !== 'object') return value === cond;
    return Object.entries(cond as Record<string, unknown>).every(([op, arg]) => {
      if (op === '$eq') return value === arg;
      if (op === '$ne') return value !== arg;
      if (op === '$in') return (arg as unknown[]).includes(value);
      throw new Error(`fake vector space: unsupported operator ${op}`);
    });
  });
}

export const cosine = (a: readonly number[], b: readonly number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / (Math.sqrt(na * nb) || 1);
};

export interface StoredVector {
  values: number[];
  metadata: Record<string, unknown>;
}

/** Partitions (namespaces or indexes) of vectors, searched exactly by cosine: the engine behind the fake servers. */
export class VectorSpace {
  readonly partitions = new Map<string, Map<string, StoredVector>>();

  partition(name: string, create = true): Map<string, StoredVector> | undefined {
    let p = this.partitions.get(name);
    if (!p && create) {
      p = new Map();
      this.partitions.set(name, p);
    }
    return p;
  }

  query(name: string, vector: number[], topK: number, filter?: MetadataFilter) {
    const p = this.partitions.get(name) ?? new Map<string, StoredVector>();
    return [...p]
      .filter(([, v]) => matchesFilter(v.metadata, filter))
      .map(([id, v]) => ({ id, score: cosine(vector, v.values), metadata: v.metadata }))
      .sort((x, y) => y.score - x.score)
      .slice(0, topK);
  }
}
