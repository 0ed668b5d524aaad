'use client';
import { EmployeesPage } from '@/components/employees/employees-page';

export default function Page() {
  return <EmployeesPage />;
}
