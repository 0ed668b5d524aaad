export * from './employee';
export * from './event';
export { parseInput } from './parse';
export * from './plan';
export * from './task';
export * from './tenant';
export * from './usage';
