import type { EventPayloadRef, NewTaskEvent } from '../domain';
import { TechteamError } from '../errors';

/**
 * An event item holds at most this much JSON of its own (DynamoDB refuses an item over 400 KB,
 * keys and attribute names included). Well under the limit, so an event written in one
 * transaction with others (up to 4 MB in all) never comes near it either.
 */
export const MAX_EVENT_PAYLOAD_BYTES = 64 * 1024;

/** What an event item keeps of a field it moved out: the start, to read without fetching. */
export const EVENT_PREVIEW_CHARS = 2_000;

/** The ceiling no event passes even after its large fields moved out (many small fields). */
const MAX_EVENT_ITEM_BYTES = 350 * 1024;

/** A task's files, where the whole text of an oversized field is kept (its workspace). */
export interface EventPayloadFile {
  write(path: string, content: string): Promise<void>;
}
export type EventPayloadFiles = (tenantId: string, taskId: string) => EventPayloadFile;

/** The folder of a task's files that holds oversized event fields. */
export const EVENT_PAYLOAD_FOLDER = '.techteam/events/';

export class EventTooLarge extends TechteamError {
  constructor(type: string, bytes: number) {
    super(
      'EventTooLarge',
      500,
      `A '${type}' event is ${bytes} bytes even with its large fields moved to files (at most ${MAX_EVENT_ITEM_BYTES}): it has too many small fields`,
      { type, bytes, limit: MAX_EVENT_ITEM_BYTES },
    );
  }
}

const byteSize = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

interface Leaf {
  path: (string | number)[];
  text: string;
}

function stringLeaves(value: unknown, path: (string | number)[] = [], out: Leaf[] = []): Leaf[] {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) stringLeaves(v, [...path, i], out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) stringLeaves(v, [...path, k], out);
  }
  return out;
}

function setAt(target: unknown, path: (string | number)[], text: string): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = text;
}

/**
 * The event as it fits in one item: while its JSON is over MAX_EVENT_PAYLOAD_BYTES, its largest
 * text fields are written whole to the task's files (`.techteam/events/<name>/<field>.txt`) and
 * replaced by a preview that ends with where the rest is; each is listed in `payloads`. A field
 * whose file cannot be written keeps its preview alone, and `payloads` says so (no `file`).
 */
export async function fitEvent(
  event: NewTaskEvent,
  name: string,
  files: EventPayloadFile | undefined,
): Promise<NewTaskEvent & { payloads?: EventPayloadRef[] }> {
  if (byteSize(event) <= MAX_EVENT_PAYLOAD_BYTES) return event;
  const fitted = structuredClone(event) as NewTaskEvent & { payloads?: EventPayloadRef[] };
  const payloads: EventPayloadRef[] = [];
  const leaves = stringLeaves(event)
    .filter((l) => l.path[0] !== 'type' && l.text.length > EVENT_PREVIEW_CHARS)
    .sort((a, b) => b.text.length - a.text.length);
  for (const leaf of leaves) {
    if (byteSize(fitted) <= MAX_EVENT_PAYLOAD_BYTES) break;
    const field = leaf.path.join('.');
    const bytes = Buffer.byteLength(leaf.text);
    const file = `${EVENT_PAYLOAD_FOLDER}${name}/${field}.txt`;
    let kept: string | undefined;
    if (files) {
      try {
        await files.write(file, leaf.text);
        kept = file;
      } catch {
        // The event must still be recorded: it keeps the preview and says the rest is gone.
      }
    }
    const where = kept ? `the whole text is the task's file ${kept}` : 'the rest could not be kept';
    setAt(
      fitted,
      leaf.path,
      `${leaf.text.slice(0, EVENT_PREVIEW_CHARS)}\n… [${bytes} bytes in all; ${where}]`,
    );
    payloads.push({ field, bytes, ...(kept ? { file: kept } : {}) });
  }
  const size = byteSize(fitted);
  if (size > MAX_EVENT_ITEM_BYTES) throw new EventTooLarge(event.type, size);
  return payloads.length ? { ...fitted, payloads } : fitted;
}
