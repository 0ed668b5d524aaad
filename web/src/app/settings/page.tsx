'use client';
import { SettingsPage } from '@/components/settings-page';

export default function Page() {
  return <SettingsPage />;
}
