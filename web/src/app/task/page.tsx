'use client';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { TaskPage } from '@/components/task/task-page';
import { Empty, Loading } from '@/components/ui/states';

// A static export has no server to resolve /task/<id>: the id travels as ?id=.
function WithId() {
  const id = useSearchParams().get('id');
  return id ? <TaskPage id={id} /> : <Empty title="No task chosen">Open a task from the Tasks page.</Empty>;
}

export default function Page() {
  return (
    <Suspense fallback={<Loading what="the task" />}>
      <WithId />
    </Suspense>
  );
}
