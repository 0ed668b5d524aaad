import { TechteamError } from '../errors';

export class HumanEvalDataMissing extends TechteamError {
  constructor(path: string, alsoTried: string[]) {
    super(
      'HumanEvalDataMissing',
      404,
      `The HumanEval data is not at ${path}${alsoTried.length ? ` (also tried ${alsoTried.join(', ')})` : ''}. ` +
        'Put HumanEval.jsonl.gz there, or pass --data FILE with a file of the same shape.',
      { path, alsoTried },
    );
  }
}

export class HumanEvalDataInvalid extends TechteamError {
  constructor(path: string, line: number, problem: string) {
    super(
      'HumanEvalDataInvalid',
      400,
      `${path}${line ? ` line ${line}` : ''} is not a HumanEval problem: ${problem}. ` +
        'Each line must be a JSON object with task_id, prompt, entry_point, canonical_solution and test.',
      { path, line },
    );
  }
}
