export { getSettings as handler } from './settings';
