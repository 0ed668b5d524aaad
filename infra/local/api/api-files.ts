/**
 * The API's generated files, both committed: the OpenAPI document (functions/openapi.json, from
 * functions/openapi.ts), which `GET /v1/openapi.json` serves, and the typed client's types
 * (infra/local/cli/api-types.ts, by openapi-typescript). `npm run api:types` writes them;
 * api-files.test.ts fails when either differs from what the schemas generate now.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '@techteam/functions/openapi';
import openapiTS, { astToString } from 'openapi-typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DOCUMENT_FILE = resolve(ROOT, 'functions/openapi.json');
export const TYPES_FILE = resolve(ROOT, 'infra/local/cli/api-types.ts');

const TYPES_HEADER = `/**
 * Generated from functions/openapi.json by \`npm run api:types\` (openapi-typescript); do not edit.
 * The CLI's client (api-client.ts) calls the API through these types with openapi-fetch.
 */
`;

/** The document and the types as the schemas generate them now. */
export async function generateApiFiles(): Promise<{ document: string; types: string }> {
  const doc = openApiDocument();
  const document = `${JSON.stringify(doc, null, 2)}\n`;
  // Without it, a field with a default would be required in the answer's types and the request's.
  const ast = await openapiTS(doc as never, { defaultNonNullable: false });
  return { document, types: TYPES_HEADER + astToString(ast) };
}

/** What is committed now. */
export async function committedApiFiles(): Promise<{ document: string; types: string }> {
  const [document, types] = await Promise.all([
    readFile(DOCUMENT_FILE, 'utf8'),
    readFile(TYPES_FILE, 'utf8'),
  ]);
  return { document, types };
}

export async function writeApiFiles(): Promise<void> {
  const { document, types } = await generateApiFiles();
  await writeFile(DOCUMENT_FILE, document);
  await writeFile(TYPES_FILE, types);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeApiFiles();
  console.log(`Wrote ${DOCUMENT_FILE} and ${TYPES_FILE}`);
}
