#!/usr/bin/env node
// The `techteam` command. TypeScript runs through tsx, so there is no build step.
import { register } from 'tsx/esm/api';
import './quiet-warnings.mjs';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
