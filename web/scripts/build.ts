// `npm run build -w web`: the static export (reused when its sources are unchanged), then each page's first-load weight.
import { buildWeb, formatWeights, pageWeights } from './web-build';

const force = process.argv.includes('--force');
const { built } = await buildWeb({ force, log: (l) => console.log(l) });
if (!built) console.log('web/out is up to date with its sources (--force to rebuild)');
console.log(formatWeights(pageWeights()));
