#!/usr/bin/env node
// The installed `verdicts` command. TypeScript runs through tsx's loader so no build step
// stands between a data edit and a send.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
