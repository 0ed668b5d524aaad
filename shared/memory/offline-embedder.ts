import { createHash } from 'node:crypto';
import { OFFLINE_EMBEDDING_PROVIDER } from '../domain/usage-notes';
import type { Embedder, Embeddings } from './embedder';
import { tokenize } from './tokenize';

// Word pairs add phrase matches; trigrams catch spelling variants without outweighing whole words.
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.25;

/** Bucket of a feature: the first four bytes of its sha1, and a sign bit so collisions cancel rather than pile up. */
function bucket(feature: string, dimension: number): { index: number; sign: 1 | -1 } {
  const digest = createHash('sha1').update(feature).digest();
  return { index: digest.readUInt32LE(0) % dimension, sign: digest[4]! & 1 ? 1 : -1 };
}

/**
 * The default that needs no key and no download: feature hashing of words, word pairs and
 * character trigrams, weighted by log term frequency and L2-normalised. It is lexical (it finds
 * shared words and spellings, not synonyms), and says so (`semantic: false`).
 */
export class OfflineEmbedder implements Embedder {
  readonly provider = OFFLINE_EMBEDDING_PROVIDER;
  readonly model = 'hashed-ngrams-v1';
  readonly semantic = false;
  readonly microUsdPerMillionTokens = 0;

  constructor(readonly dimension = 384) {}

  vector(text: string): number[] {
    // Per feature: how often it occurs, and its kind's weight (words count most, trigrams least).
    const counts = new Map<string, { tf: number; weight: number }>();
    const add = (f: string, weight = 1) => {
      const c = counts.get(f);
      if (c) c.tf++;
      else counts.set(f, { tf: 1, weight });
    };
    const words = tokenize(text);
    words.forEach((word, i) => {
      add(`w:${word}`);
      if (i > 0) add(`b:${words[i - 1]} ${word}`, BIGRAM_WEIGHT);
      const padded = ` ${word} `;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT);
    });
    const v = new Array<number>(this.dimension).fill(0);
    for (const [feature, { tf, weight }] of counts) {
      const { index, sign } = bucket(feature, this.dimension);
      v[index]! += sign * weight * (1 + Math.log(tf));
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }

  async embed(texts: readonly string[]): Promise<Embeddings> {
    return {
      vectors: texts.map((t) => this.vector(t)),
      usage: { provider: this.provider, model: this.model, inputTokens: 0 },
    };
  }
}
