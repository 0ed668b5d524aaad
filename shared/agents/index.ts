export { BUILT_IN_EMPLOYEES, BUILT_IN_PROFILES, builtInProfile } from './profiles';
