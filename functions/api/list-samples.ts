import { DEMO_SAMPLES } from '@techteam/shared/gateway';
import { apiHandler } from '../http';

/** GET /v1/samples: the built-in sample tasks the demo model plays end to end. */
export const handler = apiHandler(
  async () => ({
    status: 200,
    body: { samples: DEMO_SAMPLES.map((s) => ({ id: s.id, prompt: s.prompt, runtime: s.runtime })) },
  }),
  // Compiled in and touching no table: not metered (the stage's throttling covers it).
  { metered: false },
);
