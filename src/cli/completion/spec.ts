// The program as data for shell completion: every visible command with its flags and arguments,
// read from the commander program itself so that completion cannot drift from the CLI. Closed value
// sets are the options' own `choices`; rule IDs come from the rule catalog; the flags that name files
// or cluster objects are known here by name. Cluster names (namespaces, runs, contexts) are fetched
// at Tab time through the hidden `storyctl __complete` (names.ts).
import type { Argument, Command, Option } from 'commander';
import { allRuleMetas } from '../../rules/index.js';

export type Dynamic = 'namespaces' | 'runs' | 'contexts';

export type ValueKind =
  | { type: 'words'; words: string[] }
  | { type: 'files' }
  | { type: 'dynamic'; what: Dynamic }
  | { type: 'any' };

export interface FlagSpec {
  long: string;
  short?: string;
  description: string;
  /** Undefined for boolean flags. */
  value?: ValueKind;
}

export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  /** What the positional arguments complete to (the last one repeats when variadic). */
  args: ValueKind[];
}

const FILE_FLAGS = new Set(['--kubeconfig', '--snapshot', '--logs', '--output-file']);
const DYNAMIC_FLAGS: Record<string, Dynamic> = { '--namespace': 'namespaces', '--context': 'contexts' };
const RULE_FLAGS = new Set(['--rule', '--skip-rule']);

function flagValue(o: Option, ruleIds: string[]): ValueKind | undefined {
  if (!o.required && !o.optional) return undefined;
  if (o.argChoices) return { type: 'words', words: [...o.argChoices] };
  const long = o.long ?? '';
  if (RULE_FLAGS.has(long)) return { type: 'words', words: ruleIds };
  if (FILE_FLAGS.has(long)) return { type: 'files' };
  const dynamic = DYNAMIC_FLAGS[long];
  return dynamic ? { type: 'dynamic', what: dynamic } : { type: 'any' };
}

function argValue(command: string, a: Argument, ruleIds: string[]): ValueKind {
  if (a.argChoices) return { type: 'words', words: [...a.argChoices] };
  const name = a.name();
  if (command === 'explain') return { type: 'words', words: ruleIds };
  if (command === 'finish' || /^(names?|runs?)$/.test(name)) return { type: 'dynamic', what: 'runs' };
  if (command === 'lint' || /inputs?|files?|paths?/.test(name)) return { type: 'files' };
  return { type: 'any' };
}

/** The program as data: every visible command with its flags and arguments. */
export function completionSpec(
  program: Command,
  ruleIds: string[] = allRuleMetas().map((m) => m.id),
): CommandSpec[] {
  return program.commands
    .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
    .map((c) => ({
      name: c.name(),
      description: c.description(),
      flags: [
        ...c.options
          .filter((o) => !o.hidden && o.long !== undefined)
          .map((o) => {
            const f: FlagSpec = { long: o.long as string, description: o.description };
            if (o.short) f.short = o.short;
            const v = flagValue(o, ruleIds);
            if (v) f.value = v;
            return f;
          }),
        { long: '--help', short: '-h', description: 'display help for command' },
      ],
      args: c.registeredArguments.map((a) => argValue(c.name(), a, ruleIds)),
    }));
}

/**
 * Every flag that takes a value, as a shell case pattern (`-o|--output|...`), except the cluster
 * flags the scripts read for `__complete`: the word after them is a value, not a positional argument.
 */
export function valuedFlags(spec: CommandSpec[]): string {
  const skip = new Set(['-n', '--namespace', '--context', '--kubeconfig']);
  const names = new Set(
    spec.flatMap((c) =>
      c.flags.filter((f) => f.value).flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]),
    ),
  );
  return [...names].filter((n) => !skip.has(n)).join('|');
}
