export { log } from './log';
export { countFailure, recordModelSpend, TECHTEAM_METRICS } from './metrics';
