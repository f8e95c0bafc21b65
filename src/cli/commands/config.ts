// `storyctl config view` (the effective settings and where each came from) and `storyctl config
// init` (a commented starter .storyctl.yaml; never over an existing file).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { withExamples } from '../examples.js';
import { loadConfig } from '../../config/load.js';
import { CONFIG_FILE_NAME } from '../../config/types.js';
import { StoryctlError } from '../../model/errors.js';
import type { CommandResult } from '../command-result.js';
import { addReportOptions } from '../common.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';
import { durationOption, type CommonFlags } from '../options.js';
import { optionSource, resolveSettings } from '../settings.js';

export function registerConfig(program: Command, io: CliIO, result: CommandResult): void {
  const config = program.command('config').description('show or start the .storyctl.yaml settings file');
  withExamples(config, [
    ['what storyctl will use here, and where each value comes from', 'storyctl config view'],
    ['start a commented .storyctl.yaml in this directory', 'storyctl config init'],
    ['check a config file before committing it', 'storyctl config view --config ci/.storyctl.yaml'],
  ]);

  const view = config
    .command('view')
    .description(
      'print the effective settings (flags over the config file over the defaults) and where each came from',
    )
    .addOption(
      durationOption(
        '--operator-graceful-timeout <duration>',
        "the operator's engram.default-graceful-shutdown-timeout-seconds",
      ),
    );
  addReportOptions(view).action(
    async (flags: CommonFlags & { operatorGracefulTimeout?: number }, command: Command) => {
      const settings = await resolveSettings(flags, io, result.argv, optionSource(command));
      // The renderer (yaml) is loaded here, not when the program is built: every command pays for that.
      const { renderSettings } = await import('../../config/view.js');
      io.stdout.write(renderSettings(settings, await loadConfig(flags.config, io.cwd)));
      result.code = EXIT.ok;
    },
  );

  config
    .command('init')
    .description(`write a commented starter ${CONFIG_FILE_NAME} (refuses to overwrite one)`)
    .argument('[file]', 'where to write it', CONFIG_FILE_NAME)
    .action(async (file: string) => {
      try {
        const { starterConfig } = await import('../../config/init.js');
        await writeFile(resolve(io.cwd, file), starterConfig(), { flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        if (code === 'EEXIST')
          throw new StoryctlError('usage', 'already exists: not overwritten (edit it, or remove it first)', {
            file,
          });
        throw new StoryctlError(
          'input',
          `cannot write: ${error instanceof Error ? error.message : String(error)}`,
          {
            file,
          },
        );
      }
      io.stdout.write(`wrote ${file}: edit it, then check it with storyctl config view\n`);
      result.code = EXIT.ok;
    });
}
