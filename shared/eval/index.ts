/**
 * The evaluation harness: HumanEval problems sent through the whole team, graded
 * against their hidden tests in the sandbox, beside a single-call baseline.
 */
export { HumanEvalDataInvalid, HumanEvalDataMissing } from './errors';
export { GRADING_LIMITS, type Grade, gradeCompletion, gradeFiles, SOLUTION_FILE } from './grading';
export { defaultDataPaths, HumanEvalProblem, loadHumanEval, resolveDataPath } from './humaneval';
