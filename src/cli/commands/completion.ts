// `storyctl completion bash|zsh|fish`: a completion script generated from the commander program
// itself (commands, flags, arguments), so it cannot drift from the CLI; rule IDs come from the rule
// catalog, output formats and other closed sets from the flags' own `a|b|c` descriptions. Cluster
// names (namespaces, runs, contexts) are asked of the hidden `storyctl __complete`, which answers
// fast or prints nothing.
import type { Argument, Command, Option } from 'commander';
import { StoryctlError } from '../../model/errors.js';
import { allRuleMetas } from '../../rules/index.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';
import type { CommandResult } from '../program.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

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

/** `table|json|sarif` at the start of a description is the flag's closed set of values. */
export function choicesOf(description: string): string[] | undefined {
  const m =
    /^([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)+)/.exec(description) ??
    /:\s*([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)+)\s*$/.exec(description);
  return m?.[1]?.split('|');
}

function flagValue(o: Option, ruleIds: string[]): ValueKind | undefined {
  if (!o.required && !o.optional) return undefined;
  const long = o.long ?? '';
  if (o.argChoices) return { type: 'words', words: [...o.argChoices] };
  if (RULE_FLAGS.has(long)) return { type: 'words', words: ruleIds };
  if (FILE_FLAGS.has(long)) return { type: 'files' };
  const dynamic = DYNAMIC_FLAGS[long];
  if (dynamic) return { type: 'dynamic', what: dynamic };
  const words = choicesOf(o.description);
  return words ? { type: 'words', words } : { type: 'any' };
}

function argValue(command: string, a: Argument, ruleIds: string[]): ValueKind {
  if (a.argChoices) return { type: 'words', words: [...a.argChoices] };
  const name = a.name();
  if (command === 'explain') return { type: 'words', words: ruleIds };
  if (command === 'completion') return { type: 'words', words: [...SHELLS] };
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

export function registerCompletion(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', 'bash|zsh|fish')
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell))
        throw new StoryctlError('usage', `completion takes bash, zsh or fish, not "${shell}"`);
      io.stdout.write(completionScript(shell as Shell, completionSpec(program)));
      result.code = EXIT.ok;
    });

  program
    .command('__complete', { hidden: true })
    .description('list names for shell completion (namespaces, runs, contexts); prints nothing on failure')
    .argument('<what>', 'namespaces|runs|contexts')
    .option('-n, --namespace <ns>', 'namespace for runs')
    .option('--context <name>', 'kubeconfig context')
    .option('--kubeconfig <file>', 'kubeconfig file')
    .action(async (what: string, flags: { namespace?: string; context?: string; kubeconfig?: string }) => {
      // Completion must never print an error into the user's command line, nor hang the shell.
      try {
        const names = await completeNames(what, flags, io.env, 2000);
        if (names.length > 0) io.stdout.write(`${names.join('\n')}\n`);
      } catch {
        // Nothing to offer: the shell falls back to no candidates.
      }
      result.code = EXIT.ok;
    });
}

/** Names for completion from the cluster, within `timeoutMs` and a single attempt. */
export async function completeNames(
  what: string,
  flags: { namespace?: string; context?: string; kubeconfig?: string },
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string[]> {
  const [{ makeKubeConfig }, { ApiCaller }, { CoreV1Api, CustomObjectsApi }, { RESOURCES }] =
    await Promise.all([
      import('../../sources/cluster/kubeconfig.js'),
      import('../../sources/cluster/caller.js'),
      import('@kubernetes/client-node'),
      import('../../sources/cluster/resources.js'),
    ]);
  const kcOptions: Parameters<typeof makeKubeConfig>[0] = { env };
  if (flags.kubeconfig) kcOptions.kubeconfig = flags.kubeconfig;
  if (what === 'contexts')
    return makeKubeConfig(kcOptions)
      .kc.getContexts()
      .map((c) => c.name);
  if (flags.context) kcOptions.context = flags.context;
  const cfg = makeKubeConfig(kcOptions);
  // One attempt, no retries: a shell waiting on Tab must not wait on backoff.
  const caller = new ApiCaller(cfg.server, {
    attemptTimeoutMs: timeoutMs,
    budgetMs: timeoutMs,
    maxAttempts: 1,
    baseDelayMs: 0,
    maxDelayMs: 0,
    maxRetryAfterMs: 0,
  });
  type Named = { items?: { metadata?: { name?: string } }[] };
  let list: Named;
  if (what === 'namespaces') {
    const core = cfg.kc.makeApiClient(CoreV1Api);
    list = (await caller.call('list namespaces', (o) => core.listNamespace({ limit: 500 }, o))) as Named;
  } else if (what === 'runs') {
    const api = cfg.kc.makeApiClient(CustomObjectsApi);
    const r = RESOURCES.storyRuns;
    const namespace = flags.namespace ?? cfg.namespace ?? 'default';
    list = (await caller.call('list storyruns', (o) =>
      api.listNamespacedCustomObject(
        { group: r.group, version: r.version, plural: r.plural, namespace, limit: 500 },
        o,
      ),
    )) as Named;
  } else return [];
  return (list.items ?? [])
    .map((i) => i.metadata?.name ?? '')
    .filter((n) => n !== '')
    .sort();
}

export function completionScript(shell: Shell, spec: CommandSpec[]): string {
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}

/** Every other flag that takes a value, as a case pattern: its value is not a positional argument. */
function valuedFlags(spec: CommandSpec[]): string {
  const skip = new Set(['-n', '--namespace', '--context', '--kubeconfig']);
  const names = new Set(
    spec.flatMap((c) =>
      c.flags.filter((f) => f.value).flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]),
    ),
  );
  return [...names].filter((n) => !skip.has(n)).join('|');
}

// ---- bash ----------------------------------------------------------------------------------

/** Single-quoted for sh: `it's` → `'it'\''s'`. */
function sq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bashValue(v: ValueKind): string {
  switch (v.type) {
    case 'words':
      return `COMPREPLY=( $(compgen -W ${sq(v.words.join(' '))} -- "$cur") ); return`;
    case 'files':
      return `COMPREPLY=( $(compgen -f -- "$cur") ); compopt -o filenames 2>/dev/null; return`;
    case 'dynamic':
      return `COMPREPLY=( $(compgen -W "$(_storyctl_names ${v.what})" -- "$cur") ); return`;
    case 'any':
      return 'return';
  }
}

function bashScript(spec: CommandSpec[]): string {
  const lines: string[] = [
    '# storyctl completion for bash. Load it with: source <(storyctl completion bash)',
    '# or save it as /etc/bash_completion.d/storyctl. Generated from the CLI: do not edit.',
    '_storyctl_names() {',
    '  local args=("__complete" "$1")',
    '  [[ -n "$_storyctl_ns" ]] && args+=(-n "$_storyctl_ns")',
    '  [[ -n "$_storyctl_ctx" ]] && args+=(--context "$_storyctl_ctx")',
    '  [[ -n "$_storyctl_kc" ]] && args+=(--kubeconfig "$_storyctl_kc")',
    '  "${COMP_WORDS[0]}" "${args[@]}" 2>/dev/null',
    '}',
    '_storyctl() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local cmd="" i nargs=0',
    '  _storyctl_ns="" _storyctl_ctx="" _storyctl_kc=""',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in',
    '      -n|--namespace) ((i + 1 < COMP_CWORD)) && _storyctl_ns="${COMP_WORDS[i+1]}"; ((i++)) ;;',
    '      --context) ((i + 1 < COMP_CWORD)) && _storyctl_ctx="${COMP_WORDS[i+1]}"; ((i++)) ;;',
    '      --kubeconfig) ((i + 1 < COMP_CWORD)) && _storyctl_kc="${COMP_WORDS[i+1]}"; ((i++)) ;;',
    `      ${valuedFlags(spec)}) ((i++)) ;;`,
    '      -*) ;;',
    '      *) if [[ -z "$cmd" ]]; then cmd="${COMP_WORDS[i]}"; else ((nargs++)); fi ;;',
    '    esac',
    '  done',
    '  if [[ -z "$cmd" ]]; then',
    `    COMPREPLY=( $(compgen -W ${sq([...spec.map((c) => c.name), '--help', '--version'].join(' '))} -- "$cur") ); return`,
    '  fi',
    '  case "$cmd" in',
  ];
  for (const c of spec) {
    lines.push(`    ${c.name})`);
    const valued = c.flags.filter((f) => f.value && f.value.type !== 'any');
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const f of valued)
        lines.push(
          `        ${[f.short, f.long].filter(Boolean).join('|')}) ${bashValue(f.value as ValueKind)} ;;`,
        );
      lines.push('      esac');
    }
    const takesValue = c.flags.filter((f) => f.value?.type === 'any');
    if (takesValue.length > 0)
      lines.push(
        `      case "$prev" in ${takesValue.map((f) => [f.short, f.long].filter(Boolean).join('|')).join('|')}) return ;; esac`,
      );
    lines.push(
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W ${sq(c.flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]).join(' '))} -- "$cur") ); return; fi`,
    );
    const arg = c.args[0];
    if (c.args.length > 1) {
      lines.push('      case "$nargs" in');
      c.args.forEach((a, i) =>
        lines.push(`        ${i === c.args.length - 1 ? '*' : i}) ${bashValue(a)} ;;`),
      );
      lines.push('      esac');
    } else if (arg) lines.push(`      ${bashValue(arg)}`);
    lines.push('      ;;');
  }
  lines.push('  esac', '}', 'complete -F _storyctl storyctl kubectl-storyctl', '');
  return lines.join('\n');
}

// ---- zsh -----------------------------------------------------------------------------------

/** An entry for zsh's _describe: `name:description` with colons in the name escaped. */
function zdesc(name: string, description: string): string {
  return sq(`${name.replace(/:/g, '\\:')}:${description}`);
}

function zshValue(v: ValueKind): string {
  switch (v.type) {
    case 'words':
      return `compadd -- ${v.words.map(sq).join(' ')}; return`;
    case 'files':
      return '_files; return';
    case 'dynamic':
      return `compadd -- \${(f)"$(_storyctl_names ${v.what})"}; return`;
    case 'any':
      return 'return';
  }
}

function zshScript(spec: CommandSpec[]): string {
  const lines: string[] = [
    '#compdef storyctl kubectl-storyctl',
    '# storyctl completion for zsh. Load it with: source <(storyctl completion zsh)',
    '# or save it as _storyctl in a directory of $fpath. Generated from the CLI: do not edit.',
    '_storyctl_names() {',
    '  local -a args; args=(__complete "$1")',
    '  [[ -n "$_storyctl_ns" ]] && args+=(-n "$_storyctl_ns")',
    '  [[ -n "$_storyctl_ctx" ]] && args+=(--context "$_storyctl_ctx")',
    '  [[ -n "$_storyctl_kc" ]] && args+=(--kubeconfig "$_storyctl_kc")',
    '  "${words[1]}" "${args[@]}" 2>/dev/null',
    '}',
    '_storyctl() {',
    '  local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmd="" i nargs=0',
    '  _storyctl_ns="" _storyctl_ctx="" _storyctl_kc=""',
    '  for ((i = 2; i < CURRENT; i++)); do',
    '    case "${words[i]}" in',
    '      -n|--namespace) ((i + 1 < CURRENT)) && _storyctl_ns="${words[i+1]}"; ((i++)) ;;',
    '      --context) ((i + 1 < CURRENT)) && _storyctl_ctx="${words[i+1]}"; ((i++)) ;;',
    '      --kubeconfig) ((i + 1 < CURRENT)) && _storyctl_kc="${words[i+1]}"; ((i++)) ;;',
    `      ${valuedFlags(spec)}) ((i++)) ;;`,
    '      -*) ;;',
    '      *) if [[ -z "$cmd" ]]; then cmd="${words[i]}"; else ((nargs++)); fi ;;',
    '    esac',
    '  done',
    '  if [[ -z "$cmd" ]]; then',
    `    local -a cmds; cmds=(${spec.map((c) => zdesc(c.name, c.description)).join(' ')})`,
    "    _describe 'command' cmds; return",
    '  fi',
    '  case "$cmd" in',
  ];
  for (const c of spec) {
    lines.push(`    ${c.name})`);
    const valued = c.flags.filter((f) => f.value);
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const f of valued)
        lines.push(
          `        ${[f.short, f.long].filter(Boolean).join('|')}) ${zshValue(f.value as ValueKind)} ;;`,
        );
      lines.push('      esac');
    }
    lines.push('      if [[ "$cur" == -* ]]; then');
    lines.push(
      `        local -a flags; flags=(${c.flags.flatMap((f) => [zdesc(f.long, f.description), ...(f.short ? [zdesc(f.short, f.description)] : [])]).join(' ')})`,
    );
    lines.push("        _describe 'flag' flags; return");
    lines.push('      fi');
    if (c.args.length > 1) {
      lines.push('      case "$nargs" in');
      c.args.forEach((a, i) => lines.push(`        ${i === c.args.length - 1 ? '*' : i}) ${zshValue(a)} ;;`));
      lines.push('      esac');
    } else if (c.args[0]) lines.push(`      ${zshValue(c.args[0])}`);
    lines.push('      ;;');
  }
  lines.push(
    '  esac',
    '}',
    // As an $fpath file zsh calls the function itself; sourced, it must be registered.
    'if [[ "${funcstack[1]}" == _storyctl ]]; then _storyctl "$@"; else compdef _storyctl storyctl kubectl-storyctl; fi',
    '',
  );
  return lines.join('\n');
}

// ---- fish ----------------------------------------------------------------------------------

/** Single-quoted for fish, where only \\ and \' are escapes inside single quotes. */
function fq(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishValue(v: ValueKind): string {
  switch (v.type) {
    case 'words':
      return `-f -a ${fq(v.words.join(' '))}`;
    case 'files':
      return '-F';
    case 'dynamic':
      return `-f -a ${fq(`(__storyctl_names ${v.what})`)}`;
    case 'any':
      return '-f';
  }
}

function fishScript(spec: CommandSpec[]): string {
  const names = spec.map((c) => c.name).join(' ');
  const lines: string[] = [
    '# storyctl completion for fish. Load it with: storyctl completion fish | source',
    '# or save it as ~/.config/fish/completions/storyctl.fish. Generated from the CLI: do not edit.',
    'function __storyctl_names',
    '    set -l tokens (commandline -opc)',
    '    set -l args __complete $argv[1]',
    '    for i in (seq 2 (count $tokens))',
    '        switch $tokens[$i]',
    '            case -n --namespace --context --kubeconfig',
    '                set -l j (math $i + 1)',
    '                if test $j -le (count $tokens)',
    '                    set args $args $tokens[$i] $tokens[$j]',
    '                end',
    '        end',
    '    end',
    '    $tokens[1] $args 2>/dev/null',
    'end',
  ];
  for (const bin of ['storyctl', 'kubectl-storyctl']) {
    lines.push(`complete -c ${bin} -f`);
    for (const c of spec)
      lines.push(
        `complete -c ${bin} -n ${fq(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${fq(c.description)}`,
      );
    for (const c of spec) {
      const when = `-n ${fq(`__fish_seen_subcommand_from ${c.name}`)}`;
      for (const f of c.flags) {
        const short = f.short ? ` -s ${f.short.slice(1)}` : '';
        const value = f.value ? ` -r ${fishValue(f.value)}` : '';
        lines.push(
          `complete -c ${bin} ${when}${short} -l ${f.long.slice(2)}${value} -d ${fq(f.description)}`,
        );
      }
      const arg = c.args[0];
      if (arg) lines.push(`complete -c ${bin} ${when} ${fishValue(arg)}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
