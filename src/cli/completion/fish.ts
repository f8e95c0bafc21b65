// `storyctl completion fish`: the script fish loads, generated from the completion spec.
import { fq } from './quote.js';
import type { CommandSpec, ValueKind } from './spec.js';

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

export function fishScript(spec: CommandSpec[]): string {
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
