/**
 * QA's scratch folder: probe tests QA writes to check Dev's work from the
 * outside. It is invisible to everyone else (their listings, reads, diffs and
 * sandbox jobs leave it out) so Dev cannot tune its code to QA's probes.
 */
export const SCRATCH_FOLDER = 'qa_probes/';

/** True when a normalised workspace path lies in `folder` (default: QA's scratch folder). */
export function inScratch(path: string, folder: string = SCRATCH_FOLDER): boolean {
  const prefix = folder.endsWith('/') ? folder : `${folder}/`;
  return path.startsWith(prefix);
}
