export { putSettings as handler } from './settings';
