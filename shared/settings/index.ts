export { SettingsInput, settingsView, updateSettings } from './tenant-settings';
