export { SettingsInput, settingsView, updateSettings, withSettings } from './tenant-settings';
