import { describe, expect, it } from 'vitest';
import { committedApiFiles, generateApiFiles } from './api-files';

describe('the generated API files', () => {
  it('are what the schemas generate now (run `npm run api:types` after changing a route or a schema)', async () => {
    const [now, committed] = await Promise.all([generateApiFiles(), committedApiFiles()]);
    expect(committed.document).toBe(now.document);
    expect(committed.types).toBe(now.types);
  });
});
