// The IO edge of the config: find `.storyctl.yaml` (the working directory, then its parents up
// to the git root), or read the file `--config` names; `--no-config` reads none.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { StoryctlError } from '../model/errors.js';
import { CONFIG_FILE_NAME, type LoadedConfig } from './types.js';

/**
 * `.storyctl.yaml` in `cwd` or a parent, stopping at the directory that holds `.git` (a work tree
 * or a submodule's `.git` file). Outside a git work tree only `cwd` itself is looked at, so a
 * stray file in a home directory does not configure every run below it.
 */
export function discoverConfigFile(cwd: string): string | undefined {
  const dirs: string[] = [];
  let gitRoot: string | undefined;
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (existsSync(join(dir, '.git'))) {
      gitRoot = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  for (const dir of gitRoot ? dirs : [cwd]) {
    const file = join(dir, CONFIG_FILE_NAME);
    if (isFile(file)) return file;
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `--config FILE` (a string), `--no-config` (false), or discovery (undefined). The parser (yaml and
 * the JSON Schema validator) is loaded only when there is a file: most runs have none, and loading
 * it cost every `storyctl lint` a tenth of a second.
 */
export async function loadConfig(
  option: string | false | undefined,
  cwd: string,
): Promise<LoadedConfig | undefined> {
  if (option === false) return undefined;
  const path = option !== undefined ? resolve(cwd, option) : discoverConfigFile(cwd);
  if (path === undefined) return undefined;
  // Messages name the file as the user would: as given, or relative to where they are.
  const shown = option ?? (relative(cwd, path) || CONFIG_FILE_NAME);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new StoryctlError('config', `cannot read the config file: ${why}`, { file: shown });
  }
  const { parseConfigText } = await import('./parse.js');
  return parseConfigText(text, shown);
}
