import { createHash } from 'node:crypto';
import { MEMORY_EMPLOYEE } from '../domain/usage-notes';
import type { Store } from '../store';
import { type ChunkRecord, Chunks } from '../store/chunks';
import { type DocumentRecord, Documents } from '../store/documents';
import { newUlid } from '../store/ids';
import { Memories, type MemoryRecord } from '../store/memories';
import { Bm25, type RankedId, reciprocalRankFusion } from './bm25';
import { type Chunk, chunkText, contentKindOf } from './chunking';
import { embedderLabel } from './embedder';
import { DocumentTooLarge, EmbeddingMismatch } from './errors';
import { type EmbeddingContext, INGESTION_PREFIX, type MeteredEmbedder } from './metered-embedder';
import type { SourceKind, VectorIndex } from './vector-index';

/** The largest document accepted, in UTF-8 bytes (its gzipped body must fit one DynamoDB item). */
export const MAX_DOCUMENT_BYTES = 256 * 1024;
/** Texts per embedding request. */
const EMBED_BATCH = 64;
/** Candidates each ranker hands to the fusion. */
const CANDIDATES = 50;

/** One ingestion to run: a document's version. */
export interface IngestionJob {
  tenantId: string;
  documentId: string;
  version: string;
}

/** Where uploads wait to be ingested: an SQS queue on AWS, the host's own worker locally. */
export interface IngestionQueue {
  enqueue(job: IngestionJob): Promise<void>;
}

export interface SearchFilter {
  kind?: SourceKind;
  /** A document's or a memory's id. */
  sourceId?: string;
}

export type RetrievalMode = 'lexical' | 'vector' | 'hybrid';

/** Where a passage comes from: enough to show it and to find it again. */
export interface Citation {
  kind: SourceKind;
  id: string;
  name: string;
  position: number;
  section?: string;
}

export interface SearchHit {
  text: string;
  score: number;
  citation: Citation;
}

/** A stable document id from its name: uploading the same name again replaces the document. */
export function documentIdFor(name: string): string {
  return `doc_${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
}

const chunkId = (sourceId: string, hash: string) => `${sourceId}.${hash.slice(0, 16)}`;

/**
 * The tenant's documents and the team's memories: upload, ingestion (chunk, embed what changed,
 * index), deletion that leaves nothing retrievable, and hybrid retrieval with citations.
 */
export class TeamMemory {
  readonly documents: Documents;
  readonly chunks: Chunks;
  readonly memories: Memories;

  constructor(
    store: Store,
    readonly index: VectorIndex,
    readonly embedder: MeteredEmbedder,
    private readonly queue: IngestionQueue,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.documents = new Documents(store.doc, store.tableName);
    this.chunks = new Chunks(store.doc, store.tableName);
    this.memories = new Memories(store.doc, store.tableName);
  }

  /** How the embedder reads wherever memory is shown ("lexical" when it is the offline default). */
  get embedderLabel(): string {
    return embedderLabel(this.embedder.embedder);
  }

  /** Stores the document as `queued` and queues its ingestion; a second upload of a name replaces the first. */
  async addDocument(tenantId: string, input: { name: string; content: string }): Promise<DocumentRecord> {
    const bytes = Buffer.byteLength(input.content, 'utf8');
    if (bytes > MAX_DOCUMENT_BYTES) throw new DocumentTooLarge(input.name, bytes, MAX_DOCUMENT_BYTES);
    const id = documentIdFor(input.name);
    const at = this.now().toISOString();
    const previous = await this.documents.get(tenantId, id);
    const record: DocumentRecord = {
      id,
      name: input.name,
      contentKind: contentKindOf(input.name),
      bytes,
      contentHash: createHash('sha256').update(input.content).digest('hex'),
      version: newUlid(),
      status: 'queued',
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
    };
    await this.documents.put(tenantId, record, input.content);
    await this.queue.enqueue({ tenantId, documentId: id, version: record.version });
    return record;
  }

  /**
   * Ingests one version of a document: chunks it, embeds only chunks whose hash is new, indexes
   * them, drops the chunks the new version no longer has, and records the outcome. A document
   * deleted meanwhile is purged again at the end, so nothing of it stays retrievable.
   */
  async ingest(job: IngestionJob): Promise<'indexed' | 'failed' | 'superseded'> {
    const { tenantId, documentId, version } = job;
    const record = await this.documents.get(tenantId, documentId);
    const text =
      record?.version === version ? await this.documents.body(tenantId, documentId, version) : undefined;
    if (!record || text === undefined) return 'superseded';
    const at = () => this.now().toISOString();
    try {
      const wanted = this.chunkRecords(
        documentId,
        'document',
        record.name,
        chunkText(text, record.contentKind),
      );
      const embedded = await this.index_(tenantId, documentId, wanted, {
        tenantId,
        taskId: `${INGESTION_PREFIX}${documentId}`,
        employeeId: MEMORY_EMPLOYEE,
      });
      const ok = await this.documents.finish(
        tenantId,
        documentId,
        version,
        { status: 'indexed', chunks: wanted.length, embedded },
        at(),
      );
      if (!ok) await this.purgeIfGone(tenantId, documentId);
      return ok ? 'indexed' : 'superseded';
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const ok = await this.documents.finish(
        tenantId,
        documentId,
        version,
        { status: 'failed', reason },
        at(),
      );
      if (!ok) await this.purgeIfGone(tenantId, documentId);
      return ok ? 'failed' : 'superseded';
    }
  }

  /**
   * Records that a document's ingestion failed for good (its queue's last attempt threw or ran
   * out of time), so it never stays `queued`. A version replaced or deleted meanwhile is left alone.
   */
  async failIngestion(job: IngestionJob, reason: string): Promise<boolean> {
    const ok = await this.documents.finish(
      job.tenantId,
      job.documentId,
      job.version,
      { status: 'failed', reason },
      this.now().toISOString(),
    );
    if (!ok) await this.purgeIfGone(job.tenantId, job.documentId);
    return ok;
  }

  /**
   * Queues again every document whose ingestion a stopped host left unfinished. Safe to repeat:
   * ingestion embeds only chunks the index does not hold yet, and a job for a version since
   * replaced is skipped. Answers how many were queued.
   */
  async requeueUnfinished(): Promise<number> {
    const unfinished = await this.documents.unfinished();
    for (const { tenantId, document } of unfinished)
      await this.queue.enqueue({ tenantId, documentId: document.id, version: document.version });
    return unfinished.length;
  }

  /** Deletes the document, then every chunk and vector of it. */
  async deleteDocument(tenantId: string, documentId: string): Promise<boolean> {
    const existed = (await this.documents.get(tenantId, documentId)) !== undefined;
    await this.documents.delete(tenantId, documentId);
    await this.purge(tenantId, documentId);
    return existed;
  }

  listDocuments(tenantId: string): Promise<DocumentRecord[]> {
    return this.documents.list(tenantId);
  }

  /** Writes (or replaces) a memory and indexes its chunks. */
  async remember(tenantId: string, memory: MemoryRecord, context: EmbeddingContext): Promise<void> {
    await this.memories.put(tenantId, memory);
    const wanted = this.chunkRecords(memory.id, 'memory', memory.title, chunkText(memory.text, 'markdown'));
    await this.index_(tenantId, memory.id, wanted, context);
  }

  listMemories(tenantId: string): Promise<MemoryRecord[]> {
    return this.memories.list(tenantId);
  }

  async forget(tenantId: string, memoryId: string): Promise<boolean> {
    const existed = (await this.memories.get(tenantId, memoryId)) !== undefined;
    await this.memories.delete(tenantId, memoryId);
    await this.purge(tenantId, memoryId);
    return existed;
  }

  async forgetAll(tenantId: string): Promise<number> {
    const all = await this.memories.list(tenantId);
    for (const m of all) await this.forget(tenantId, m.id);
    return all.length;
  }

  /**
   * Hybrid retrieval: BM25 over the tenant's chunks and a vector query on the tenant's partition,
   * fused by reciprocal rank. A vector whose chunk is gone (a deletion racing an ingestion) is
   * never returned: every hit is joined to its stored chunk.
   */
  async search(
    tenantId: string,
    query: string,
    options: { limit?: number; filter?: SearchFilter; mode?: RetrievalMode; context: EmbeddingContext },
  ): Promise<SearchHit[]> {
    const mode = options.mode ?? 'hybrid';
    const { filter } = options;
    const all = await this.chunks.all(tenantId);
    const byId = new Map(
      all
        .filter(
          (c) =>
            (!filter?.kind || c.kind === filter.kind) &&
            (!filter?.sourceId || c.sourceId === filter.sourceId),
        )
        .map((c) => [c.id, c]),
    );
    const lists: RankedId[][] = [];
    if (mode !== 'vector') {
      const bm25 = new Bm25();
      for (const c of byId.values()) bm25.add(c.id, c.text);
      lists.push(bm25.search(query, CANDIDATES));
    }
    if (mode !== 'lexical' && byId.size > 0) {
      const [vector] = await this.embedder.embed([query], options.context);
      const hits = await this.index.query(tenantId, vector!, {
        topK: CANDIDATES,
        ...(filter ? { filter } : {}),
      });
      lists.push(hits.filter((h) => byId.has(h.id)).map(({ id, score }) => ({ id, score })));
    }
    const ranked = lists.length === 1 ? lists[0]! : reciprocalRankFusion(lists);
    return ranked.slice(0, options.limit ?? 5).map(({ id, score }) => {
      const c = byId.get(id)!;
      return {
        text: c.text,
        score,
        citation: {
          kind: c.kind,
          id: c.sourceId,
          name: c.sourceName,
          position: c.position,
          ...(c.section ? { section: c.section } : {}),
        },
      };
    });
  }

  private chunkRecords(
    sourceId: string,
    kind: SourceKind,
    sourceName: string,
    chunks: Chunk[],
  ): ChunkRecord[] {
    const seen = new Set<string>();
    const out: ChunkRecord[] = [];
    for (const c of chunks) {
      const id = chunkId(sourceId, c.hash);
      // The same text twice in one source is one chunk, cited at its first place.
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({
        id,
        sourceId,
        kind,
        sourceName,
        position: c.position,
        hash: c.hash,
        text: c.text,
        ...(c.section ? { section: c.section } : {}),
      });
    }
    return out;
  }

  /** Brings a source's chunks to `wanted`: embeds and indexes new ones, removes dropped ones. Answers how many were embedded. */
  private async index_(
    tenantId: string,
    sourceId: string,
    wanted: ChunkRecord[],
    context: EmbeddingContext,
  ): Promise<number> {
    const existing = await this.chunks.of(tenantId, sourceId);
    const have = new Set(existing.map((c) => c.id));
    const fresh = wanted.filter((c) => !have.has(c.id));
    const { dimension, provider, model } = this.embedder.embedder;
    for (let i = 0; i < fresh.length; i += EMBED_BATCH) {
      const batch = fresh.slice(i, i + EMBED_BATCH);
      const vectors = await this.embedder.embed(
        batch.map((c) => (c.section ? `${c.section}\n${c.text}` : c.text)),
        context,
      );
      const wrong = vectors.find((v) => v.length !== dimension);
      if (wrong) throw new EmbeddingMismatch(dimension, wrong.length, `${provider}/${model}`);
      await this.index.upsert(
        tenantId,
        batch.map((c, j) => ({ id: c.id, vector: vectors[j]!, sourceId, kind: c.kind })),
      );
    }
    // Kept chunks are written again too: their position may have moved.
    await this.chunks.put(tenantId, wanted);
    const keep = new Set(wanted.map((c) => c.id));
    const dropped = existing.filter((c) => !keep.has(c.id));
    await this.index.delete(
      tenantId,
      dropped.map((c) => c.id),
    );
    await this.chunks.delete(tenantId, dropped);
    return fresh.length;
  }

  private async purge(tenantId: string, sourceId: string): Promise<void> {
    const chunks = await this.chunks.of(tenantId, sourceId);
    // Vectors first: a chunk item without a vector is harmless, a vector without its item is never shown but costs space.
    await this.index.delete(
      tenantId,
      chunks.map((c) => c.id),
    );
    await this.chunks.delete(tenantId, chunks);
  }

  private async purgeIfGone(tenantId: string, documentId: string): Promise<void> {
    if (!(await this.documents.get(tenantId, documentId))) await this.purge(tenantId, documentId);
  }
}
