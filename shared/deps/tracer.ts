import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The Powertools tracer, in a module of its own so that a Lambda bundle imports it as a chunk on
 * the first traced invocation (tracing.ts), never at init: aws-xray-sdk-core is CommonJS and
 * heavy to parse. HTTPS capture is off: the provider SDKs' calls are already inside the model
 * call's subsegment, and a traced URL would only repeat what the annotations say.
 */
export const tracer = new Tracer({ serviceName: 'techteam', captureHTTPsRequests: false });
