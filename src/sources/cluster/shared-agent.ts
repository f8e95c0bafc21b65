// One keep-alive agent per distinct set of TLS options. client-node 1.x builds a new https.Agent for
// every request (KubeConfig.createAgent), without keep-alive, so every call is a new TCP connection,
// a TLS handshake and a new SecureContext (the CA bundle parsed again), on both ends. That costs
// serve most of its idle CPU (a Lease renewal every 2 s, Events) and makes doctor's and finish's
// dozens of calls slower. kubectl (Go's http.Transport) keeps its connections; so do we. Idle
// sockets are unref'd by Node's agent, so a command still exits when its work is done.
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Options differ only when credentials rotate (an exec plugin's client certificate): a few suffice. */
const MAX_AGENTS = 8;
const agents = new Map<string, HttpAgent>();

/**
 * The shared keep-alive agent with the same options as `agent`, or `agent` itself when it is not a
 * plain http(s) agent (a proxy agent keeps its own connections) or is absent.
 */
export function sharedAgent<T extends HttpAgent | undefined>(agent: T): T | HttpAgent {
  if (!agent) return agent;
  const https = agent.constructor === HttpsAgent;
  if (!https && agent.constructor !== HttpAgent) return agent;
  const options = (agent as { options?: Record<string, unknown> }).options ?? {};
  const key = keyOf(https, options);
  let shared = agents.get(key);
  if (!shared) {
    const own = { ...options, keepAlive: true };
    shared = https ? new HttpsAgent(own) : new HttpAgent(own);
    // Dropping the oldest leaves its in-flight requests alone (no destroy): its idle sockets close
    // with the server's timeout.
    if (agents.size >= MAX_AGENTS) agents.delete(agents.keys().next().value ?? '');
    agents.set(key, shared);
  }
  return shared;
}

function keyOf(https: boolean, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(https ? 'https' : 'http');
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (value === undefined || value === null) continue;
    hash.update(`\0${name}=`);
    for (const part of Array.isArray(value) ? value : [value])
      hash.update(Buffer.isBuffer(part) ? part : `${typeof part}:${String(part)}`).update('\0');
  }
  return hash.digest('hex');
}
