// `storyctl rules` and `storyctl explain ID`: the rule catalog from the rules' own metadata.
import { Option, type Command } from 'commander';
import { StoryctlError } from '../../model/errors.js';
import { allRuleMetas, findRuleMeta } from '../../rules/index.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import { useColor, type CliIO } from '../io.js';
import { EXIT } from '../exit.js';
import { DOCS_BASE_URL } from '../links.js';

export function registerRules(program: Command, io: CliIO, result: CommandResult): void {
  const rules = program
    .command('rules')
    .description('list every rule with its ID, severity and summary')
    .addOption(new Option('-o, --output <format>', 'table|json').choices(['table', 'json']).default('table'))
    .option('--no-color', 'no colours')
    .action(async (flags: { output: 'table' | 'json'; color?: boolean }) => {
      const metas = allRuleMetas();
      if (flags.output === 'json') {
        io.stdout.write(`${JSON.stringify(metas, null, 2)}\n`);
      } else {
        // Loaded here so that other commands do not pay for them at start-up.
        const [{ Chalk }, { default: Table }] = await Promise.all([import('chalk'), import('cli-table3')]);
        const c = new Chalk({ level: useColor(io, flags.color) ? 1 : 0 });
        const table = new Table({
          head: ['ID', 'name', 'severity', 'summary'].map((h) => c.bold(h)),
          style: { head: [], border: [] },
          wordWrap: true,
          colWidths: [8, 34, 10, 70],
        });
        for (const m of metas) table.push([m.id, m.name, m.severity, m.summary]);
        io.stdout.write(`${table.toString()}\n`);
      }
      result.code = EXIT.ok;
    });
  withExamples(rules, [
    ['every rule with its ID, severity and summary', 'storyctl rules'],
    ['as JSON, for tooling', 'storyctl rules -o json'],
  ]);

  const explain = program
    .command('explain')
    .description("print a rule's rationale and fix")
    .argument('<id>', 'rule ID, e.g. SR201')
    .action((id: string) => {
      const m = findRuleMeta(id);
      if (!m) throw new StoryctlError('usage', `unknown rule "${id}" (storyctl rules lists them)`);
      const lines = [
        `${m.id} ${m.name} (${m.severity})${m.deprecated ? ' [deprecated]' : ''}`,
        '',
        m.summary,
        '',
        'Why it matters:',
        indent(m.rationale),
        '',
        'Fix:',
        indent(m.fix),
        '',
        `Docs: ${m.docs} (${DOCS_BASE_URL}/${m.docs})`,
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
      result.code = EXIT.ok;
    });
  withExamples(explain, [['why SR201 matters and how to fix it', 'storyctl explain SR201']]);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
