/**
 * The evaluation harness: HumanEval problems sent through the whole team, graded
 * against their hidden tests in the sandbox, beside a single-call baseline.
 */
export { HumanEvalDataInvalid, HumanEvalDataMissing } from './errors';
export { GRADING_LIMITS, type Grade, gradeCompletion, gradeFiles, SOLUTION_FILE } from './grading';
export { defaultDataPaths, HumanEvalProblem, loadHumanEval, resolveDataPath } from './humaneval';
export { BASELINE_SYSTEM, baselinePrompt, codeOfAnswer, teamPrompt } from './prompts';
export {
  type BaselineSummary,
  type EvalReport,
  formatReport,
  summarize,
  type TeamSummary,
  type WallTimes,
  wallTimes,
} from './report';
export {
  type BaselineAnswer,
  type BaselineResult,
  type EvalBaseline,
  type EvalRunOptions,
  type EvalTeam,
  type ProblemResult,
  type ProblemStatus,
  runHumanEval,
} from './run-eval';
