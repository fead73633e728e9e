#!/usr/bin/env node
// The `linli` debugging CLI. Loads the TypeScript sources through tsx, so it runs from any directory.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
