// The subset of the Bobrapet objects storyctl reads (CONTROLLER.md sections 1, 3, 4), as the API
// server returns them. Everything is optional because captured or partially-written objects are
// exactly what storyctl is asked to look at.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  /** Who last wrote which fields: how storyctl recognises its own earlier status write. */
  managedFields?: ManagedFieldsEntry[];
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  /** Kubernetes 1.22 and later; before, a status write shows as `f:status` in fieldsV1. */
  subresource?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface StepState {
  phase: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  subStoryRunName?: string;
}

export interface StoryRun {
  apiVersion: string;
  kind: 'StoryRun';
  metadata: ObjectMeta;
  spec?: {
    storyRef?: { name: string; namespace?: string };
    cancelRequested?: boolean;
    [key: string]: unknown;
  };
  status?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    duration?: string;
    observedGeneration?: number;
    conditions?: Condition[];
    stepStates?: Record<string, StepState>;
    stepsComplete?: number;
    stepsFailed?: number;
    stepsSkipped?: number;
    stepsTotal?: number;
    [key: string]: unknown;
  };
}

export interface StepRun {
  apiVersion: string;
  kind: 'StepRun';
  metadata: ObjectMeta;
  spec?: {
    storyRunRef?: { name: string; namespace?: string };
    stepId?: string;
    [key: string]: unknown;
  };
  status?: {
    phase?: string;
    startedAt?: string;
    finishedAt?: string;
    lastFailureMsg?: string;
    retries?: number;
    [key: string]: unknown;
  };
}

export interface StoryTransportEntry {
  name: string;
  transportRef: string;
  description?: string;
  settings?: Record<string, unknown>;
  streaming?: Record<string, unknown>;
}

export interface Story {
  apiVersion: string;
  kind: 'Story';
  metadata: ObjectMeta;
  spec?: {
    pattern?: 'batch' | 'realtime' | string;
    policy?: { timeouts?: { gracefulShutdownTimeout?: string; step?: string; story?: string } };
    transports?: StoryTransportEntry[];
    [key: string]: unknown;
  };
}

export interface Transport {
  apiVersion: string;
  kind: 'Transport';
  metadata: ObjectMeta;
  spec?: {
    provider?: string;
    driver?: string;
    defaultSettings?: Record<string, unknown>;
    streaming?: Record<string, unknown>;
    [key: string]: unknown;
  };
}

export type BobrapetObject = StoryRun | StepRun | Story | Transport;

/** Everything a source (cluster or snapshot) hands to the model. */
export interface ObjectSet {
  storyRuns: StoryRun[];
  stepRuns: StepRun[];
  stories: Story[];
  transports: Transport[];
}

export const GROUPS = {
  runs: 'runs.bubustack.io',
  stories: 'bubustack.io',
  transports: 'transport.bubustack.io',
} as const;

export const VERSION = 'v1alpha1';

export const ANNOTATIONS = {
  cancelObservedAt: 'storyrun.bubustack.io/graceful-cancel-observed-at',
  stepCancelRequested: 'bubustack.io/cancel-requested',
  auditPrefix: 'storyctl.bubustack.io/',
} as const;

export const LABELS = {
  storyRun: 'bubustack.io/storyrun',
} as const;

export const FINALIZERS = {
  storyRun: 'storyrun.bubustack.io/finalizer',
  stepRun: 'steprun.bubustack.io/finalizer',
} as const;
