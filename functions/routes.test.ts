import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TASK_STATES } from '@techteam/shared/workflow';
import { describe, expect, it } from 'vitest';
import {
  API_ROUTES,
  HANDLER_FILES,
  LIVE_FUNCTIONS,
  LIVE_ROUTES,
  loadHandler,
  WORKFLOW_HANDLERS,
} from './routes';

const here = dirname(fileURLToPath(import.meta.url));

describe('the route table', () => {
  it('names a handler file that exists and exports a handler, for every route and Task state', async () => {
    const files = [
      ...API_ROUTES.map((r) => r.file),
      ...Object.values(WORKFLOW_HANDLERS),
      ...Object.values(LIVE_ROUTES),
      ...Object.values(LIVE_FUNCTIONS),
    ];
    expect(new Set(files)).toEqual(new Set(HANDLER_FILES));
    for (const file of files) {
      expect(existsSync(join(here, file))).toBe(true);
      expect(typeof (await loadHandler(file))).toBe('function');
    }
  });

  it('maps every Task state of the ASL definition to a handler', () => {
    expect(Object.keys(WORKFLOW_HANDLERS).sort()).toEqual(Object.keys(TASK_STATES).sort());
  });
});
