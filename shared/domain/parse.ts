import { InvalidInput } from '../errors';
import * as z from '../zod';

/**
 * Parses untrusted input with a schema; on failure throws InvalidInput whose
 * message names every offending field, e.g. "prompt: must not be empty".
 */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : what;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    return { path, message };
  });
  const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InvalidInput(`Invalid ${what}: ${text}`, issues);
}
