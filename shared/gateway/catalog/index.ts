/** The model catalog without the gateway: what the models API, employee checks and the CLI describe. */
export * from './catalog';
export * from './cost';
export * from './model-directory';
export * from './model-lifecycle';
export * from './models-in-use';
export * from './models-view';
export * from './region-groups';
export * from './tenant-models';
