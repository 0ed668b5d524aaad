import { describe } from 'vitest';
import { describeHostileCorpus } from '../../testing/hostile-corpus';
import { LocalSandbox } from './local-sandbox';

describe('bwrap sandbox: hostile corpus', () => {
  describeHostileCorpus(() => new LocalSandbox({ isolation: 'bwrap' }));
});
