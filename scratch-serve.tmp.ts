import { loadHumanEval, resolveDataPath } from '@techteam/shared/eval';
import { startScriptedTeam } from '@techteam/shared/testing/scripted-team-server';
const problems = (await loadHumanEval(resolveDataPath())).slice(0, 4);
const s = await startScriptedTeam(problems, (process.argv[2] ?? 'half-wrong') as never);
console.log(s.url);
setTimeout(() => s.close(), 240_000);
