// System tools some tests run for real (promtool, kubectl), found the way the apiserver binaries
// are: an explicit env var first, then PATH. Where a tool is missing the test skips with a message,
// except in CI (CI or STORYCTL_REQUIRE_APISERVER=1), where a missing tool is a failure.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

export interface Tool {
  name: string;
  /** The executable, or undefined when none was found. */
  path: string | undefined;
  /** A missing tool fails the run instead of skipping. */
  required: boolean;
  /** What to say when it is missing. */
  missing: string;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(executable);
}

/** CI, or the project's own switch for "the real parts must be there". */
export function realToolsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return env['STORYCTL_REQUIRE_APISERVER'] === '1' || (ci !== undefined && !['', '0', 'false'].includes(ci));
}

export function findTool(
  name: string,
  envVar: string,
  debianPackage: string,
  env: NodeJS.ProcessEnv = process.env,
): Tool {
  const explicit = env[envVar];
  const path = explicit ? (executable(explicit) ? explicit : undefined) : onPath(name, env);
  const where = explicit
    ? `${envVar}=${explicit} is not executable`
    : `no ${name} on PATH (or set ${envVar})`;
  return {
    name,
    path,
    required: realToolsRequired(env),
    missing: `${where}; install it with \`apt-get install -y --no-install-recommends ${debianPackage}\``,
  };
}

/**
 * `describe` that runs only with the tool: without it, one failing test under CI (so the run cannot
 * pass without the real tool), else one skipped test and a warning that says what to install.
 */
export function describeWithTool(tool: Tool, title: string, body: (path: string) => void): void {
  const { path } = tool;
  if (path !== undefined) {
    describe(title, () => body(path));
    return;
  }
  if (tool.required) {
    describe(title, () => {
      it(`needs ${tool.name}`, () => {
        throw new Error(`${tool.name} is required here (CI / STORYCTL_REQUIRE_APISERVER=1): ${tool.missing}`);
      });
    });
    return;
  }
  console.warn(`\n[storyctl] ${title}: skipped: ${tool.missing}\n`);
  describe.skip(title, () => {
    it(`needs ${tool.name}`, () => undefined);
  });
}
