// `storyctl version`: the client's version (package.json), and what the cluster shows of Bobrapet:
// the CRDs' served versions and, where readable, the operator's image tag (the only reliable
// release signal; see sources/cluster/versions.ts). `--client` never contacts a server.
import { Option, type Command } from 'commander';
import type { ClusterVersions } from '../../sources/cluster/versions.js';
import {
  addConnectionFlags,
  connectionOptions,
  startRequestLog,
  type ClusterFlags,
} from '../cluster-flags.js';
import type { CommandResult } from '../command-result.js';
import { withExamples } from '../examples.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';
import { VERSION } from '../version.js';

interface VersionFlags extends ClusterFlags {
  client?: boolean;
  output: 'text' | 'json' | 'yaml';
}

export function registerVersion(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('version')
    .description("print storyctl's version and the Bobrapet CRD and operator versions found on the cluster");
  withExamples(cmd, [
    ["the client, and what the current context's cluster runs", 'storyctl version'],
    ['the client only', 'storyctl version --client'],
  ]);
  addConnectionFlags(cmd)
    .option('--client', 'only the client version (no server contacted)')
    .addOption(
      new Option('-o, --output <format>', 'text|json|yaml').choices(['text', 'json', 'yaml']).default('text'),
    )
    .action(async (flags: VersionFlags) => {
      const stopLog = await startRequestLog(flags, io);
      try {
        result.code = await runVersion(flags, io);
      } finally {
        stopLog();
      }
    });
}

async function runVersion(flags: VersionFlags, io: CliIO): Promise<number> {
  let cluster: ClusterVersions | undefined;
  if (!flags.client) {
    const [{ makeKubeConfig }, { readClusterVersions }] = await Promise.all([
      import('../../sources/cluster/kubeconfig.js'),
      import('../../sources/cluster/versions.js'),
    ]);
    const cfg = makeKubeConfig(connectionOptions(flags, io.env));
    cluster = await readClusterVersions(cfg, flags.requestTimeout);
  }
  if (flags.output !== 'text') {
    const doc = { clientVersion: VERSION, ...(cluster ? { cluster } : {}) };
    // yaml is loaded for -o yaml only: every command's start pays for what program.ts imports.
    const text =
      flags.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : (await import('yaml')).stringify(doc);
    io.stdout.write(text);
    return EXIT.ok;
  }
  const lines = [`Client Version: storyctl ${VERSION}`];
  if (cluster) {
    const k = cluster.kubernetes;
    lines.push(
      `Server: ${cluster.server} (context ${cluster.context}), Kubernetes ${k.state === 'found' ? k.value : k.reason}`,
      'Bobrapet CRDs:',
    );
    for (const c of cluster.crds)
      lines.push(
        c.state === 'found'
          ? `  ${c.value.name}: served ${c.value.served.join(', ') || 'none'}${c.value.storage ? ` (storage ${c.value.storage})` : ''}`
          : `  ${c.reason}`,
      );
    const op = cluster.operator;
    lines.push(
      op.state === 'found'
        ? `Bobrapet operator: ${op.value.namespace}/${op.value.deployment}, image ${op.value.image}${op.value.release ? ` (release ${op.value.release})` : ' (its tag names no release: the cluster does not say which)'}`
        : `Bobrapet operator: ${op.reason}`,
    );
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
