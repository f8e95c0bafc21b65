// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: try to
// acquire or renew every retry period; a Lease held by another replica is taken over only after it
// has gone unrenewed for its duration, measured on our own clock from when we last saw it change (so
// clocks need not agree); every write carries the resourceVersion it read, so two replicas cannot
// both win. A leader that has not renewed within the renew deadline stops being leader at once,
// before the Lease could expire for the others. client-node ships no leader election; this is the
// small part of it serve needs.
import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
} from '@kubernetes/client-node';
import { ApiCaller, HttpStatusError, type CallPolicy } from '../sources/cluster/caller.js';
import type { Logger } from './log.js';

export interface Leadership {
  /** True while this replica may repair and write Events. */
  isLeader(): boolean;
  start(): void;
  /** Stop trying; a leader gives the Lease up (holder cleared) so another replica takes over at once. */
  stop(): Promise<void>;
}

/** Without --lease-name: a single replica, always the leader. */
export function soleLeader(onChange: (held: boolean) => void): Leadership {
  let held = false;
  return {
    isLeader: () => held,
    start: () => {
      held = true;
      onChange(true);
    },
    stop: () => {
      held = false;
      onChange(false);
      return Promise.resolve();
    },
  };
}

export interface LeaseOptions {
  kc: KubeConfig;
  server: string;
  name: string;
  namespace: string;
  identity: string;
  leaseDurationSeconds: number;
  log: Logger;
  onChange: (held: boolean) => void;
  clock?: () => number;
}

/** client-go's defaults are 15 s / 10 s / 2 s: the deadline and period keep those proportions. */
export function leaseTimings(leaseDurationSeconds: number): {
  renewDeadlineMs: number;
  retryPeriodMs: number;
} {
  const ms = leaseDurationSeconds * 1000;
  return { renewDeadlineMs: Math.round((ms * 2) / 3), retryPeriodMs: Math.max(100, Math.round(ms / 7.5)) };
}

export function leaseElection(options: LeaseOptions): Leadership {
  const clock = options.clock ?? Date.now;
  const { renewDeadlineMs, retryPeriodMs } = leaseTimings(options.leaseDurationSeconds);
  const api = options.kc.makeApiClient(CoordinationV1Api);
  const { name, namespace, identity, log } = options;
  const policy: CallPolicy = {
    attemptTimeoutMs: Math.max(1000, retryPeriodMs),
    budgetMs: Math.max(1000, retryPeriodMs),
    maxAttempts: 1,
    baseDelayMs: 0,
    maxDelayMs: 0,
    maxRetryAfterMs: 0,
  };
  const caller = (): ApiCaller => new ApiCaller(options.server, policy, `lease ${namespace}/${name}`);
  /** Write over the copy just read: its resourceVersion turns a rival's write since then into a 409. */
  const replaceLease = (what: string, read: V1Lease, spec: V1LeaseSpec): Promise<V1Lease> =>
    caller().call(what, (o) =>
      api.replaceNamespacedLease(
        {
          name,
          namespace,
          body: {
            metadata: {
              name,
              namespace,
              ...(read.metadata?.resourceVersion ? { resourceVersion: read.metadata.resourceVersion } : {}),
            },
            spec,
          },
        },
        o,
      ),
    );

  let held = false;
  let lastRenew = 0;
  let stopped = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  /** The other holder's record as last seen, and when we saw it change (our clock). */
  let observed: { holder: string; renewTime: string; at: number } | undefined;
  let lastProblem = '';

  const setHeld = (next: boolean, why: string): void => {
    if (next === held) return;
    held = next;
    if (next)
      log.info('lease acquired: this replica repairs and writes Events', {
        lease: `${namespace}/${name}`,
        identity,
      });
    else
      (why === 'shutting down' ? log.info : log.warn)('lease lost: repairs and Events stop', {
        lease: `${namespace}/${name}`,
        identity,
        reason: why,
      });
    options.onChange(next);
  };

  const problem = (what: string, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    const forbidden = error instanceof HttpStatusError && error.code === 403;
    const text = forbidden
      ? `may not ${what} Lease ${namespace}/${name} (bind the Role in deploy/serve/base/lease-rbac.yaml)`
      : `${what} Lease ${namespace}/${name} failed: ${message}`;
    if (text !== lastProblem)
      log.warn('lease: cannot take part in the election', { lease: `${namespace}/${name}`, error: text });
    lastProblem = text;
  };

  const spec = (now: number, previous: V1Lease | undefined): V1LeaseSpec => {
    const prior = previous?.spec;
    const same = prior?.holderIdentity === identity;
    return {
      holderIdentity: identity,
      leaseDurationSeconds: options.leaseDurationSeconds,
      acquireTime: same && prior?.acquireTime ? prior.acquireTime : new V1MicroTime(now),
      renewTime: new V1MicroTime(now),
      leaseTransitions: (prior?.leaseTransitions ?? 0) + (same || !prior ? 0 : 1),
    };
  };

  /** One round: true when we hold the Lease afterwards. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = clock();
    let lease: V1Lease;
    try {
      lease = await caller().call('get lease', (o) => api.readNamespacedLease({ name, namespace }, o));
    } catch (error) {
      if (!(error instanceof HttpStatusError && error.code === 404)) {
        problem('get', error);
        return false;
      }
      try {
        await caller().call('create lease', (o) =>
          api.createNamespacedLease(
            { namespace, body: { metadata: { name, namespace }, spec: spec(now, undefined) } },
            o,
          ),
        );
        lastProblem = '';
        return true;
      } catch (createError) {
        // 409: another replica created it first; the next round sees its holder.
        if (!(createError instanceof HttpStatusError && createError.code === 409))
          problem('create', createError);
        return false;
      }
    }
    const holder = lease.spec?.holderIdentity ?? '';
    const renewTime = String(lease.spec?.renewTime ?? '');
    if (holder !== '' && holder !== identity) {
      // Someone else holds it now (took it over while we were slow): we are not the leader, at once.
      if (held) setHeld(false, `taken over by ${holder}`);
      if (!observed || observed.holder !== holder || observed.renewTime !== renewTime) {
        if (observed?.holder !== holder)
          log.info('lease held by another replica', { lease: `${namespace}/${name}`, holder });
        observed = { holder, renewTime, at: now };
      }
      const duration = (lease.spec?.leaseDurationSeconds ?? options.leaseDurationSeconds) * 1000;
      if (now < observed.at + duration) return false;
      log.info('lease expired: taking over', { lease: `${namespace}/${name}`, previousHolder: holder });
    }
    try {
      await replaceLease('update lease', lease, spec(now, lease));
      lastProblem = '';
      observed = undefined;
      return true;
    } catch (error) {
      // 409: someone else wrote it since our read (a renewal, or a rival's takeover).
      if (!(error instanceof HttpStatusError && error.code === 409)) problem('update', error);
      return false;
    }
  };

  const round = async (): Promise<void> => {
    const started = clock();
    const ok = await tryAcquireOrRenew();
    if (stopped) return;
    if (ok) {
      lastRenew = started;
      setHeld(true, '');
    } else if (held && clock() - lastRenew >= renewDeadlineMs) {
      setHeld(false, `not renewed for ${Math.round((clock() - lastRenew) / 1000)} s`);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = round().finally(() => {
        inFlight = undefined;
        schedule();
      });
    }, retryPeriodMs);
  };

  return {
    // The deadline is checked here too, not only after a round: a round stuck on a slow server
    // must not leave a leader acting past its deadline.
    isLeader: () => {
      if (held && clock() - lastRenew >= renewDeadlineMs) setHeld(false, 'renew deadline passed');
      return held;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      inFlight = round().finally(() => {
        inFlight = undefined;
        schedule();
      });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      if (!held) return;
      setHeld(false, 'shutting down');
      // Give it up: an empty holder lets the next replica take it on its next round.
      try {
        const lease = await caller().call('get lease', (o) =>
          api.readNamespacedLease({ name, namespace }, o),
        );
        if (lease.spec?.holderIdentity !== identity) return;
        const now = clock();
        await replaceLease('release lease', lease, {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: new V1MicroTime(now),
          renewTime: new V1MicroTime(now),
          leaseTransitions: lease.spec?.leaseTransitions ?? 0,
        });
        log.info('lease released', { lease: `${namespace}/${name}`, identity });
      } catch (error) {
        problem('release', error);
      }
    },
  };
}
