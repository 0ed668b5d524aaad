/** The AWS side of the sandbox: the runner protocol, the queue adapters, and a runner's run-scoped credentials. */

export * from './config';
export * from './protocol';
export * from './remote-sandbox';
export * from './run-credentials';
