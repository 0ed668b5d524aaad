import { apiHandler } from '../http';
import document from '../openapi.json';

/**
 * GET /v1/openapi.json: the API's OpenAPI 3.1 document (functions/openapi.ts, written by
 * `npm run api:types`). Compiled in and touching no table: not metered.
 */
export const handler = apiHandler(async () => ({ status: 200, body: document }), { metered: false });
