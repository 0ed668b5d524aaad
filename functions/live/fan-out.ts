import { fanOut, liveDeps, type StreamRecord } from '@techteam/shared/live';

/** The table's stream → the subscribed connections (see shared/live/fan-out.ts for the ordering). */
export async function handler(event: { Records: StreamRecord[] }): Promise<void> {
  await fanOut(event.Records, liveDeps());
}
