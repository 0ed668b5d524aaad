export { type Config, ConfigSchema, loadConfig } from './config';
