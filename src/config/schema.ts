// The published JSON Schema (schema/config.schema.json, the one editors complete from) is the
// validator's schema too, so the two cannot drift. Read once, compiled on first use.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const SCHEMA_URL = new URL('../../schema/config.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

export function configSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

/** Validate parsed config data; every problem, not just the first. */
export function validateConfigData(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(configSchema());
  return validator(data) ? [] : [...(validator.errors ?? [])];
}
