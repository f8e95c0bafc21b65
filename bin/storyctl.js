#!/usr/bin/env node
// Thin launcher: all behaviour (and the exit code) lives in the compiled CLI. A checkout that has
// not been built yet says so in one line instead of a module-not-found trace.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/launch.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(entry)))
    throw error;
  const checkout = join(dirname(fileURLToPath(import.meta.url)), '..');
  process.stderr.write(`storyctl: this checkout is not built yet: run \`npm ci\` in ${checkout}\n`);
  process.exit(2);
}
await cli.launch(process.argv);
