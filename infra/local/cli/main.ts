import { loadConfig } from '@techteam/shared/config';
import { isTechteamError } from '@techteam/shared/errors';
import { ApiError, HostUnreachable } from './api-client';
import { billingCommand } from './billing-command';
import { docsCommand } from './docs-command';
import { filesCommand } from './files-command';
import { processIo } from './io';
import { keysCommand } from './keys-command';
import { modelsCommand } from './models-command';
import { runCommand } from './run-command';
import { sandboxCommand } from './sandbox-command';
import { samplesCommand, taskActionCommand } from './task-actions-command';
import { showCommand, tasksCommand } from './tasks-command';
import { upCommand } from './up-command';

const HELP = `techteam — an AI tech team as a service

Commands
  up [--ephemeral]        run the product locally (API, workflow, store); same as npm start
  run "<prompt>"          submit a task to the running host and stream it until it ends
                          (--approve: the plan waits for your approval before anything runs;
                          --budget 2.50: model spend stops at that many USD, refused calls say so)
  tasks [--limit N]       list tasks, newest first
  show <task-id>          one task and its whole event log (--follow: then stream it until it ends)
  files <task-id>         the task's workspace files with their sizes (--out DIR: download them into DIR)
  models [--json]         the model catalog with prices, which providers are live, and why not
                          (--check: warn about deprecated or retired models the team uses, exit 1 on a retired one;
                          models delete <id>: remove the tenant's own model or price override)
  billing status|sync     the plan, what it allows and the month's usage against its credit;
                          sync: set up the Stripe account of STRIPE_SECRET_KEY with the plans (safe to rerun)
  docs add|list|rm        the tenant's documents the team retrieves from: add <file> [--name N] [--wait]
                          uploads it (256 KiB at most; the same name replaces it) and shows its ingestion
                          status; list shows each one's status; rm <id or name> deletes it and its vectors
  samples                 the built-in tasks the demo model plays end to end
  approve <task-id>       approve a plan that waits (--plan edited.json to change it, --note text)
  reject <task-id>        reject a plan that waits; the task is cancelled
  cancel <task-id>        cancel a task: its execution stops and its sandbox jobs are killed
                          (approve, reject, cancel and resume then follow the task; --no-follow returns at once)
  resume <task-id>        rerun a failed task from its last completed step (--budget USD raises its budget first;
                          --note "…" gives the team your guidance, shown to every employee from then on)
  sandbox run|test ...     run a command or a project's tests in the sandbox, without an agent
                          (techteam sandbox run --runtime python --dir ./proj -- python main.py)
  eval humaneval          send HumanEval problems through the whole team on an in-process host, grade
                          them against the hidden tests in the sandbox, beside a one-call baseline
                          (--limit N, --budget USD for the whole run, --concurrency N, --timeout S
                          per problem, --json, --data FILE, --no-baseline)
  keys create|list|revoke the tenant's API keys (create --name N [--scope S ...] [--expires ISO];
                          create --bootstrap --tenant T: the first admin key, straight in the table, with AWS credentials)
  help                    this text

Environment
  TECHTEAM_URL            the host the client commands talk to (default http://127.0.0.1:8787)
  TECHTEAM_API_KEY        the API key the client commands send (none needed for a loopback host without auth)
  TECHTEAM_AUTH           \`required\`: \`up\` checks credentials (needed beyond loopback)
  TECHTEAM_PORT           the port \`up\` listens on (default 8787)
  TECHTEAM_DATA_DIR       where \`up\` keeps its data (default .techteam)
  TECHTEAM_SANDBOX        the local sandbox's isolation: bwrap (default) or gvisor
  OPENAI_API_KEY, ANTHROPIC_API_KEY, BEDROCK_REGION (+ AWS credentials), OPENAI_COMPATIBLE_BASE_URL
                          make those model providers live; with none, the demo model answers`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const config = loadConfig(process.env);
    const io = processIo(config.TECHTEAM_URL);
    switch (command) {
      case 'up':
        return await upCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'tasks':
        return await tasksCommand(rest, io);
      case 'show':
        return await showCommand(rest, io);
      case 'files':
        return await filesCommand(rest, io);
      case 'cancel':
      case 'approve':
      case 'reject':
      case 'resume':
        return await taskActionCommand(command, rest, io);
      case 'keys':
        return await keysCommand(rest, io);
      case 'docs':
        return await docsCommand(rest, io);
      case 'samples':
        return await samplesCommand(io);
      case 'billing':
        return await billingCommand(rest, io);
      case 'models':
        return await modelsCommand(rest, io);
      case 'sandbox':
        return await sandboxCommand(rest);
      case 'eval':
        // Loaded on use: the other commands do not pay for the harness's imports at start-up.
        return await (await import('./eval-command')).evalCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      default:
        console.error(`Unknown command '${command}'.\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    if (isTechteamError(e) || e instanceof HostUnreachable || e instanceof ApiError) {
      console.error(`techteam: ${e.message}`);
      return 1;
    }
    // node:util parseArgs: an unknown option or a missing value is a usage error, not a crash.
    if (String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      console.error(`techteam ${command}: ${(e as Error).message}\n\nRun \`techteam help\` for the options.`);
      return 2;
    }
    throw e;
  }
}
