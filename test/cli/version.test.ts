// `storyctl --version` is package.json's version, from the sources and from the build alike.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../support/cli.js';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('storyctl --version', () => {
  it('prints the version in package.json (src and dist)', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await runBin(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
