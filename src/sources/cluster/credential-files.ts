// The files a context's TLS needs (certificate authority, client certificate and key), checked when
// the kubeconfig is resolved. client-node reads them inside every request with readFileSync, so a
// missing one surfaced as a bare ENOENT, reported as an internal error.
import { accessSync, constants } from 'node:fs';
import type { Cluster, User } from '@kubernetes/client-node';
import { StoryctlError } from '../../model/errors.js';

export function checkCredentialFiles(context: string, cluster: Cluster, user: User | null): void {
  const files: [string, string | undefined][] = [
    ['certificate-authority file', cluster.caFile],
    ['client certificate', user?.certFile],
    ['client key', user?.keyFile],
  ];
  for (const [what, file] of files) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
      const owner =
        what === 'certificate-authority file' ? `cluster ${cluster.name}` : `user ${user?.name ?? '?'}`;
      throw new StoryctlError('config', `the ${what} ${file} of ${owner} (context ${context}) ${why}`);
    }
  }
}
