// `kubectl storyctl <Tab>` (kubectl >= 1.26). kubectl runs the executable `kubectl_complete-storyctl`
// with the words after `kubectl storyctl`, the last one being the word under the cursor, and reads
// cobra's `__complete` answer: one candidate per line (`value<TAB>description`), then `:<directive>`
// (4: do not fall back to file names; 0: the shell may complete file names). The candidates come
// from the same program-as-data as `storyctl completion`, so they cannot drift from the CLI.
import { processIO, type CliIO } from '../io.js';
import { buildProgram } from '../program.js';
import { completeNames, NAMES_TIMEOUT_MS, type NameFlags } from './names.js';
import { completionSpec, type CommandSpec, type Dynamic, type FlagSpec, type ValueKind } from './spec.js';

export const DIRECTIVE = { default: 0, noFileComp: 4 } as const;

export interface Candidate {
  value: string;
  description?: string;
}

export interface KubectlAnswer {
  candidates: Candidate[];
  directive: number;
  /** Names to fetch from the cluster (with the flags typed so far), then filter by `prefix`. */
  dynamic?: { what: Dynamic; flags: NameFlags };
  /** What the fetched names must start with, and what to put before each (`--flag=`). */
  prefix: string;
  lead: string;
}

function flagOf(cmd: CommandSpec, word: string): FlagSpec | undefined {
  return cmd.flags.find((f) => f.long === word || f.short === word);
}

/** The cluster flags typed so far, for names that depend on them (runs in a namespace, contexts). */
function clusterFlags(cmd: CommandSpec, words: string[]): NameFlags {
  const out: NameFlags = {};
  for (let i = 1; i < words.length - 1; i++) {
    const [name, inline] = (words[i] as string).split(/=(.*)/s, 2) as [string, string | undefined];
    const f = flagOf(cmd, name);
    if (!f?.value) continue;
    const value = inline ?? words[i + 1];
    if (value === undefined) continue;
    if (f.long === '--namespace') out.namespace = value;
    if (f.long === '--context') out.context = value;
    if (f.long === '--kubeconfig') out.kubeconfig = value;
    if (inline === undefined) i++;
  }
  return out;
}

function valueAnswer(
  kind: ValueKind,
  cmd: CommandSpec,
  words: string[],
  prefix: string,
  lead: string,
): KubectlAnswer {
  const base = { prefix, lead };
  if (kind.type === 'files') return { candidates: [], directive: DIRECTIVE.default, ...base };
  if (kind.type === 'dynamic')
    return {
      candidates: [],
      directive: DIRECTIVE.noFileComp,
      dynamic: { what: kind.what, flags: clusterFlags(cmd, words) },
      ...base,
    };
  const words2 = kind.type === 'words' ? kind.words : [];
  return {
    candidates: words2.filter((w) => w.startsWith(prefix)).map((w) => ({ value: lead + w })),
    directive: DIRECTIVE.noFileComp,
    ...base,
  };
}

/** The answer for `kubectl storyctl WORDS...`, the last word being completed (possibly empty). */
export function kubectlComplete(spec: CommandSpec[], words: string[]): KubectlAnswer {
  const cur = words.at(-1) ?? '';
  const none: KubectlAnswer = { candidates: [], directive: DIRECTIVE.noFileComp, prefix: cur, lead: '' };
  if (words.length <= 1)
    return {
      ...none,
      candidates: spec
        .filter((c) => c.name.startsWith(cur))
        .map((c) => ({ value: c.name, description: c.description })),
    };
  const cmd = spec.find((c) => c.name === words[0]);
  if (!cmd) return none;
  const prev = words.at(-2) as string;
  const prevFlag = words.length > 2 ? flagOf(cmd, prev) : undefined;
  if (prevFlag?.value && !prev.includes('=')) return valueAnswer(prevFlag.value, cmd, words, cur, '');
  const inline = /^(--[^=]+)=(.*)$/s.exec(cur);
  if (inline) {
    const f = flagOf(cmd, inline[1] as string);
    return f?.value ? valueAnswer(f.value, cmd, words, inline[2] as string, `${inline[1]}=`) : none;
  }
  if (cur.startsWith('-'))
    return {
      ...none,
      candidates: cmd.flags
        .flatMap((f) => [f.long, ...(f.short ? [f.short] : [])].map((n) => ({ n, f })))
        .filter(({ n }) => n.startsWith(cur))
        .map(({ n, f }) => ({ value: n, description: f.description })),
    };
  // A positional argument: count the ones before it, skipping flags and their values.
  let position = 0;
  for (let i = 1; i < words.length - 1; i++) {
    const w = words[i] as string;
    if (w.startsWith('-')) {
      if (!w.includes('=') && flagOf(cmd, w)?.value) i++;
    } else position++;
  }
  const kind = cmd.args[Math.min(position, cmd.args.length - 1)];
  return kind ? valueAnswer(kind, cmd, words, cur, '') : none;
}

/** Print the answer in cobra's format; never an error, never a hang (names time out in 2 s). */
export async function runKubectlComplete(words: string[], io: CliIO): Promise<void> {
  const spec = completionSpec(buildProgram(io, { code: 0, argv: [] }));
  const answer = kubectlComplete(spec, words.length > 0 ? words : ['']);
  let candidates = answer.candidates;
  if (answer.dynamic) {
    const names = await completeNames(
      answer.dynamic.what,
      answer.dynamic.flags,
      io.env,
      NAMES_TIMEOUT_MS,
    ).catch(() => []);
    candidates = names.filter((n) => n.startsWith(answer.prefix)).map((n) => ({ value: answer.lead + n }));
  }
  const lines = candidates.map((c) =>
    c.description ? `${c.value}\t${c.description.split('\n')[0] as string}` : c.value,
  );
  io.stdout.write(`${[...lines, `:${answer.directive}`].join('\n')}\n`);
}

/** Entry for bin/kubectl_complete-storyctl: `process.argv` as kubectl passes it. */
export async function kubectlCompleteMain(argv: readonly string[]): Promise<void> {
  await runKubectlComplete(argv.slice(2), processIO());
}
