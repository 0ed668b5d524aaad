import { sandboxFromEnv } from './aws-sandbox';
import { useRuntime } from './index';
import type { ModelRuntime } from './models';
import { readingRuntime, withoutSandbox } from './reading';

/**
 * The runtime with what the team works with: the model gateway, the task
 * workspaces in S3 and the AWS sandbox. For the handlers that run employees;
 * added to the process's runtime once. The local host installs a whole runtime
 * up front, so there this returns it unchanged.
 */
export function teamRuntime(): ModelRuntime {
  const base = readingRuntime();
  if (!withoutSandbox.has(base)) return base;
  const sandbox = sandboxFromEnv(process.env);
  const full: ModelRuntime = { ...base, ...(sandbox ? { sandbox } : {}) };
  useRuntime(full);
  return full;
}
