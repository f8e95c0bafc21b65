// What the cluster global setup hands to test files (vitest provide/inject).
import type { ClusterInfo } from './harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test apiserver, or null when none could be had (tests skip). */
    storyctlCluster: ClusterInfo | null;
    /** Why the cluster tests are skipped, when they are. */
    storyctlClusterSkip: string;
  }
}

export {};
