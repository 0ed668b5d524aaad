import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The functions' structured logger (Powertools): one JSON line per entry, with
 * the Lambda context added by the handlers' middleware; the stack sets
 * POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL.
 */
export const log = new Logger({ serviceName: 'techteam' });
