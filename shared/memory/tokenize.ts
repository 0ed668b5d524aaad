// Words too common to tell passages apart; dropping them sharpens BM25 and the hashed vectors alike.
const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have in into is it its of on or that the their then there ' +
    'these they this to was were will with what which who how when where why does do did not no can'
  ).split(' '),
);

/** Lowercased word tokens (letters and digits, split on camelCase and snake_case), stopwords dropped, light plural stemming. */
export function tokenize(text: string): string[] {
  const words = text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  const out: string[] = [];
  for (const w of words) {
    if (!w || STOPWORDS.has(w)) continue;
    out.push(w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
  }
  return out;
}
