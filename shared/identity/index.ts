export {
  hashSecret,
  type KeyEnvironment,
  newApiKey,
  type ParsedApiKey,
  parseApiKey,
  secretMatches,
} from './api-key-secret';
export { createApiKey, type KeyDeps, keyView, type NewKeyRequest, revokeApiKey } from './api-keys';
export { type AuthorizeDeps, authorize, credentialFrom, LOCAL_PRINCIPAL, type Principal } from './authorize';
export { type ClerkCaller, type ClerkSettings, tenantIdForClerk, verifyClerkSession } from './clerk';
export {
  AuthRequiredOffLoopback,
  assertSafeListen,
  authorizedParties,
  authRequired,
  type IdentityConfig,
  isLoopback,
  loadIdentityConfig,
} from './config';
export { IdentityMisconfigured, MissingScope, RateLimited, Unauthenticated } from './errors';
export {
  admitRequest,
  admitResume,
  admitTask,
  DEFAULT_MAX_RUNNING_TASKS,
  DEFAULT_REQUESTS_PER_MINUTE,
  type RunningTaskCap,
  runningTaskCap,
  runningTaskLimit,
  useRunningTaskCap,
} from './limits';
export { filePepper, PEPPER_FILE, type PepperSource, pepperFor, secretsManagerPepper } from './pepper';
export { ALL_SCOPES, hasScope, requiredScope, type Scope, scopesForClerkRole } from './scopes';
