import { startFakeOpenAI } from '@techteam/shared/testing/fake-openai-server';
import { startTechteamBench } from './techteam-run';

const server = await startFakeOpenAI();
const tt = await startTechteamBench(server);
await tt.run('chain');
const { Session } = await import('node:inspector/promises');
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
for (let i = 0; i < 3; i++) console.log((await tt.run('chain')).cpuMsPerStep);
const { profile } = await session.post('Profiler.stop');
const { writeFileSync } = await import('node:fs');
writeFileSync('/tmp/bench.cpuprofile', JSON.stringify(profile));
await tt.stop();
await server.close();
