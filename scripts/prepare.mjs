#!/usr/bin/env node
// `prepare`: npm runs it after installing this checkout, both for `npm ci` in a clone (the build
// tools are there) and for `npm install -g .` (a production install: npm leaves devDependencies
// out, so there is no tsc and no asc). In the second case the build tools are installed into the
// checkout first — the global command is a link to it, and a checkout with them is what `npm ci`
// gives a developer — so the global storyctl works without a second step. The WebAssembly needle
// search is optional: if it cannot be built, lint uses its regular-expression matcher (the same
// answers, slower), so a platform without assemblyscript's binaries still installs.
// Plain JavaScript: it runs before anything is compiled, and tsx is a devDependency too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const say = (text) => process.stderr.write(`storyctl: ${text}\n`);

function run(command, args, env = process.env) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  return r.status === 0;
}

if (!existsSync(bin('tsc'))) {
  say('installing the build tools (devDependencies) into this checkout to build it');
  // The install that runs us may be global (`npm install -g .`): this one is local to the checkout.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_config_(global|prefix|omit|production|only)$/i.test(k),
    ),
  );
  const ok = run(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    [
      'install',
      '--no-save',
      '--include=dev',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--global=false',
    ],
    env,
  );
  if (!ok) {
    say('could not install the build tools; run `npm ci` in the checkout, then `npm install -g .`');
    process.exit(1);
  }
}

const wasm = [
  'assembly/needle-scan.ts',
  '--outFile',
  'dist/wasm/needle-scan.wasm',
  '--optimizeLevel',
  '3',
  '--runtime',
  'stub',
  '--noAssert',
  '--use',
  'abort=',
  '--enable',
  'simd',
];
if (!existsSync(bin('asc')) || !run(bin('asc'), wasm))
  say(
    'the WebAssembly needle search was not built: lint uses its regular-expression matcher (same answers, slower)',
  );

if (!run(bin('tsc'), ['-p', 'tsconfig.build.json'])) process.exit(1);
