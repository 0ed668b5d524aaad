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
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      io.out(`\n${signal}: stopping…`);
      void host.stop().then(() => {
        io.out('Stopped.');
        resolve(0);
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    // The host stopped itself (its store engine kept dying): say why, and exit non-zero.
    void host.failed.then((error) => {
      io.err(`The host stopped: ${error.message}`);
      resolve(1);
    });
  });
}
