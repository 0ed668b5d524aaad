export type CountTokens = (text: string) => number;

/**
 * The specifier is a variable so bundlers leave the import to run time: the
 * tokenizer's tables are 2.7 MB, most calls never need them, and a Lambda
 * bundle stays small (the package ships beside the bundle).
 */
const TOKENIZER_MODULE = 'gpt-tokenizer/encoding/o200k_base';
let counter: Promise<CountTokens | undefined> | undefined;

/** gpt-tokenizer's o200k_base counter, loaded on first need; undefined where the package is missing. */
export function loadTokenCounter(): Promise<CountTokens | undefined> {
  counter ??= import(TOKENIZER_MODULE).then(
    (m: { countTokens: CountTokens }) => m.countTokens,
    () => undefined,
  );
  return counter;
}
