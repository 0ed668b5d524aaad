'use client';
import { BillingPage } from '@/components/billing/billing-page';

export default function Page() {
  return <BillingPage />;
}
