import './quiet-warnings';
import type { TestProject } from 'vitest/node';
import { startLocalDynamo } from '../store/local-engine';

/** Boots one DynamoDB Local for the whole test run; test files make their own tables. */
export default async function setup(project: TestProject) {
  const engine = await startLocalDynamo();
  project.provide('dynamoEndpoint', engine.endpoint);
  return async () => {
    await engine.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
