import { parseArgs } from 'node:util';
import { loadConfig } from '@techteam/shared/config';
import { startHost } from '../host';
import type { CliIo } from './io';

/** `techteam up` (what `npm start` runs): the whole product on this machine, until Ctrl-C. */
export async function upCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ephemeral: { type: 'boolean', default: false } } });
  const config = loadConfig(process.env);
  const host = await startHost({ config, ephemeral: values.ephemeral, log: io.out });
  io.out('');
  io.out(`Try it:   npx techteam run "Write a slugify function with tests"`);
  io.out('Ctrl-C stops the host; tasks and events are kept' + (values.ephemeral ? ' only in memory.' : '.'));
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      io.out(`\n${signal}: stopping…`);
      void host.stop().then(() => {
        io.out('Stopped.');
        resolve();
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}
