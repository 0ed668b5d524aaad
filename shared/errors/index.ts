export {
  ConcurrentUpdate,
  ConfigInvalid,
  type FieldIssue,
  IllegalTransition,
  InvalidInput,
  isTechteamError,
  MissingDependency,
  NotFound,
  PortInUse,
  TechteamError,
} from './errors';
export { currentErrorCode } from './renamed-codes';
