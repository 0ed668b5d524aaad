/**
 * `npm run bench -- retrieval [--chunks 10000] [--queries 200]`: retrieval quality on the Cranfield
 * collection (recall@5 and nDCG@10 for lexical BM25, vector and hybrid RRF) with the product's own
 * parts (Bm25, OfflineEmbedder, LanceDbIndex, reciprocalRankFusion), then indexing and query
 * latency p50/p95 for 10k chunks on the embedded index.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  Bm25,
  chunkText,
  OfflineEmbedder,
  type RankedId,
  reciprocalRankFusion,
} from '@techteam/shared/memory';
import { LanceDbIndex } from '@techteam/shared/memory/lancedb';

const here = dirname(fileURLToPath(import.meta.url));
const data = (f: string) => join(here, 'data', f);

interface Doc {
  id: string;
  title: string;
  text: string;
}

function load() {
  const docs = JSON.parse(gunzipSync(readFileSync(data('cranfield-docs.json.gz'))).toString('utf8')) as Doc[];
  const queries = JSON.parse(readFileSync(data('cranfield-queries.json'), 'utf8')) as {
    id: string;
    text: string;
  }[];
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(data('cranfield-qrels.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const [q, d, g] = line.split('\t');
    if (!qrels.has(q!)) qrels.set(q!, new Map());
    // Cranfield grades 1 (complete answer) … 4 (minimal interest): gain 4 … 1.
    qrels.get(q!)!.set(d!, 5 - Number(g));
  }
  return { docs, queries, qrels };
}

const recallAt = (ranked: string[], relevant: Map<string, number>, k: number) =>
  ranked.slice(0, k).filter((d) => relevant.has(d)).length / relevant.size;

function ndcgAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  const dcg = ranked
    .slice(0, k)
    .reduce((s, d, i) => s + (2 ** (relevant.get(d) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
  return ideal ? dcg / ideal : 0;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function quality(folder: string) {
  const { docs, queries, qrels } = load();
  const embedder = new OfflineEmbedder();
  const index = new LanceDbIndex(join(folder, 'quality'), embedder.dimension);
  const bm25 = new Bm25();
  const records = docs.map((d) => {
    const text = `${d.title}\n${d.text}`;
    bm25.add(d.id, text);
    return { id: d.id, vector: embedder.vector(text), sourceId: d.id, kind: 'document' as const };
  });
  for (let i = 0; i < records.length; i += 500) await index.upsert('bench', records.slice(i, i + 500));
  const sums = { lexical: { r: 0, n: 0 }, vector: { r: 0, n: 0 }, hybrid: { r: 0, n: 0 } };
  for (const q of queries) {
    const relevant = qrels.get(q.id);
    if (!relevant?.size) continue;
    const lexical = bm25.search(q.text, 50);
    const vector: RankedId[] = (await index.query('bench', embedder.vector(q.text), { topK: 50 })).map(
      (h) => ({
        id: h.id,
        score: h.score,
      }),
    );
    const hybrid = reciprocalRankFusion([lexical, vector]);
    for (const [mode, list] of Object.entries({ lexical, vector, hybrid }) as [
      keyof typeof sums,
      RankedId[],
    ][]) {
      const ids = list.map((x) => x.id);
      sums[mode].r += recallAt(ids, relevant, 5);
      sums[mode].n += ndcgAt(ids, relevant, 10);
    }
  }
  index.close();
  const n = queries.length;
  console.log(
    `Cranfield: ${docs.length} documents, ${n} queries with relevance labels (bench/retrieval/data/SOURCE.md)`,
  );
  console.log(
    `embedder ${embedder.provider}/${embedder.model}: lexical (hashed words and trigrams, no model)`,
  );
  console.log('mode      recall@5  nDCG@10');
  for (const [mode, s] of Object.entries(sums))
    console.log(`${mode.padEnd(9)} ${(s.r / n).toFixed(3).padStart(8)}  ${(s.n / n).toFixed(3).padStart(7)}`);
}

async function latency(folder: string, chunkCount: number, queryCount: number) {
  const { docs, queries } = load();
  const embedder = new OfflineEmbedder();
  // Chunks as ingestion cuts them (prose by paragraphs within the budget), the corpus cycled with a
  // marker until there are enough: 10k chunks of real text.
  const texts: string[] = [];
  for (let round = 0; texts.length < chunkCount; round++) {
    for (const d of docs) {
      for (const c of chunkText(d.text.replace(/\. /g, '.\n\n'), 'text', { maxTokens: 60, overlapTokens: 0 }))
        texts.push(round ? `${c.text} (copy ${round})` : c.text);
      if (texts.length >= chunkCount) break;
    }
  }
  texts.length = chunkCount;
  const index = new LanceDbIndex(join(folder, 'latency'), embedder.dimension);
  const bm25 = new Bm25();
  const batchMs: number[] = [];
  const BATCH = 100;
  for (let i = 0; i < texts.length; i += BATCH) {
    const started = performance.now();
    const batch = texts.slice(i, i + BATCH);
    const { vectors } = await embedder.embed(batch);
    await index.upsert(
      'bench',
      batch.map((_text, j) => ({
        id: `c${i + j}`,
        vector: vectors[j]!,
        sourceId: `c${i + j}`,
        kind: 'document',
      })),
    );
    batch.forEach((t, j) => {
      bm25.add(`c${i + j}`, t);
    });
    batchMs.push(performance.now() - started);
  }
  const vectorMs: number[] = [];
  const hybridMs: number[] = [];
  for (let i = 0; i < queryCount; i++) {
    const q = queries[i % queries.length]!.text;
    const started = performance.now();
    const [v] = (await embedder.embed([q])).vectors;
    const hits = await index.query('bench', v!, { topK: 50 });
    vectorMs.push(performance.now() - started);
    reciprocalRankFusion([bm25.search(q, 50), hits.map((h) => ({ id: h.id, score: h.score }))]);
    hybridMs.push(performance.now() - started);
  }
  index.close();
  console.log(
    `\nEmbedded index (LanceDB, flat cosine), ${await Promise.resolve(texts.length)} chunks, ${embedder.dimension} dimensions:`,
  );
  console.log(
    `indexing, per batch of ${BATCH} (embed + upsert + BM25 add): p50 ${ms(percentile(batchMs, 50))}, p95 ${ms(percentile(batchMs, 95))}; per chunk p50 ${ms(percentile(batchMs, 50) / BATCH)}`,
  );
  console.log(
    `query, vector (embed + top-50): p50 ${ms(percentile(vectorMs, 50))}, p95 ${ms(percentile(vectorMs, 95))}`,
  );
  console.log(
    `query, hybrid (+ BM25 + RRF):   p50 ${ms(percentile(hybridMs, 50))}, p95 ${ms(percentile(hybridMs, 95))}`,
  );
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { chunks: { type: 'string', default: '10000' }, queries: { type: 'string', default: '200' } },
  });
  const folder = mkdtempSync(join(tmpdir(), 'tt-bench-retrieval-'));
  try {
    await quality(folder);
    await latency(folder, Number(values.chunks), Number(values.queries));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
