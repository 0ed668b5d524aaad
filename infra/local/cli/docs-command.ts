import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError, type DocumentView, TechteamClient } from './api-client';
import type { CliIo } from './io';

const USAGE =
  'usage: techteam docs add <file> [--name <name>] [--wait]\n' +
  '       techteam docs list\n' +
  '       techteam docs rm <document id or name>';

/** How long `docs add --wait` follows an ingestion before it leaves it running. */
const WAIT_MS = 120_000;

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A document's ingestion status as one phrase: queued, indexed with its chunks, or failed with why. */
export function ingestionStatus(d: DocumentView): string {
  if (d.status === 'indexed') return `indexed (${d.chunks ?? 0} chunks, ${d.embedded ?? 0} embedded)`;
  if (d.status === 'failed') return `failed: ${d.reason ?? 'no reason recorded'}`;
  return 'queued (ingestion runs in the background)';
}

/**
 * `techteam docs`: the tenant's documents (POST/GET/DELETE /v1/documents). `add` uploads a file
 * (its name is the file's unless --name; the same name again replaces it) and shows its ingestion
 * status, following it to the end with --wait; `list` shows each document's status; `rm` deletes
 * one by id or name.
 */
export async function docsCommand(argv: string[], io: CliIo, env = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      wait: { type: 'boolean', default: false },
      'poll-ms': { type: 'string', default: '500' },
    },
  });
  const [action, arg] = positionals;
  const client = new TechteamClient(io.url, env['TECHTEAM_API_KEY'] || undefined);
  if (action === 'list') {
    const { documents, embedder } = await client.listDocuments();
    if (!documents.length) io.out('No documents yet: add one with `techteam docs add <file>`');
    for (const d of documents) io.out(`${d.id}  ${d.name}  ${size(d.bytes)}  ${ingestionStatus(d)}`);
    io.err(`Embeddings: ${embedder}`);
    return documents.some((d) => d.status === 'failed') ? 1 : 0;
  }
  if (action === 'rm' && arg) {
    const id = arg.startsWith('doc_') ? arg : await idOfName(client, arg);
    if (!id) {
      io.err(`techteam docs rm: no document named '${arg}' (see \`techteam docs list\`)`);
      return 1;
    }
    await client.deleteDocument(id);
    io.out(`Deleted ${id}: nothing of it is retrievable any more.`);
    return 0;
  }
  if (action !== 'add' || !arg) {
    io.err(USAGE);
    return 2;
  }
  let content: string;
  try {
    content = await readFile(arg, 'utf8');
  } catch (e) {
    io.err(`techteam docs add: cannot read ${arg} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return 1;
  }
  const name = values.name ?? basename(arg);
  let added: { document: DocumentView; embedder: string };
  try {
    added = await client.addDocument({ name, content });
  } catch (e) {
    if (e instanceof ApiError && e.status === 413) {
      io.err(
        `techteam docs add: ${arg} is too large to add (${size(Buffer.byteLength(content))}): ${e.message}`,
      );
      return 1;
    }
    throw e;
  }
  let doc = added.document;
  io.out(`Added ${doc.id} (${doc.name}, ${size(doc.bytes)}): ${ingestionStatus(doc)}`);
  if (!values.wait) return 0;
  const pollMs = Number(values['poll-ms']);
  const deadline = Date.now() + WAIT_MS;
  while (doc.status === 'queued' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    const found = (await client.listDocuments()).documents.find((d) => d.id === doc.id);
    if (!found) {
      io.err(`techteam docs add: ${doc.id} was deleted while it was being ingested`);
      return 1;
    }
    doc = found;
  }
  io.out(`${doc.id}: ${ingestionStatus(doc)}`);
  return doc.status === 'failed' ? 1 : 0;
}

async function idOfName(client: TechteamClient, name: string): Promise<string | undefined> {
  return (await client.listDocuments()).documents.find((d) => d.name === name)?.id;
}
