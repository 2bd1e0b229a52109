/** The text shown instead of a secret in every API answer, log line and portal page. */
export const REDACTED = '[REDACTED]';

/** Where a secret sits in a config: `['auth', 'password']`. */
export type SecretPath = readonly string[];

/** The secrets of a config, by dotted path (`auth.password`): what is encrypted at rest. */
export type SecretValues = Record<string, string>;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function getAt(config: JsonObject, path: SecretPath): unknown {
  let at: unknown = config;
  for (const key of path) at = isObject(at) ? at[key] : undefined;
  return at;
}

/** A copy of `config` with the value at `path` replaced (parents copied, so the input is untouched). */
function setAt(config: JsonObject, path: SecretPath, value: unknown): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return config;
  const child = config[head];
  if (rest.length === 0) return { ...config, [head]: value };
  if (!isObject(child)) return config;
  return { ...config, [head]: setAt(child, rest, value) };
}

/** The config as it may be shown: every secret that is set replaced by REDACTED. */
export function redactSecrets<C extends object>(config: C, paths: readonly SecretPath[]): C {
  let out = config as unknown as JsonObject;
  for (const path of paths) if (typeof getAt(out, path) === 'string') out = setAt(out, path, REDACTED);
  return out as unknown as C;
}

/** Splits the secrets from the rest, so only they are encrypted at rest; the rest is stored redacted. */
export function splitSecrets<C extends object>(config: C, paths: readonly SecretPath[]): { publicConfig: C; secrets: SecretValues } {
  const secrets: SecretValues = {};
  for (const path of paths) {
    const value = getAt(config as unknown as JsonObject, path);
    if (typeof value === 'string') secrets[path.join('.')] = value;
  }
  return { publicConfig: redactSecrets(config, paths), secrets };
}

/** Puts decrypted secrets back where their paths say, into a config read from the control database. */
export function joinSecrets<C extends object>(publicConfig: C, secrets: SecretValues, paths: readonly SecretPath[]): C {
  let out = publicConfig as unknown as JsonObject;
  for (const path of paths) {
    const value = secrets[path.join('.')];
    if (value !== undefined && getAt(out, path) !== undefined) out = setAt(out, path, value);
  }
  return out as unknown as C;
}

/**
 * The config a PATCH produces: `patch` merged over `current` (secrets
 * included), object by object, as a JSON Merge Patch (RFC 7396): a field the
 * patch sets to `null` is removed, so an optional field can be cleared and a
 * defaulted one goes back to its default. A secret the patch leaves out, or
 * sends back as REDACTED, keeps its stored value. An object whose `mode` the
 * patch changes (`auth` from PASSWORD to RDS_IAM) is replaced, not merged, so
 * no field of the old mode is left behind.
 */
export function mergeConfigPatch(current: object, patch: JsonObject, paths: readonly SecretPath[]): JsonObject {
  let merged = deepMerge(current as JsonObject, patch);
  for (const path of paths) {
    if (getAt(merged, path) === REDACTED) {
      const stored = getAt(current as JsonObject, path);
      merged = setAt(merged, path, typeof stored === 'string' ? stored : undefined);
    }
  }
  return merged;
}

function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    if (value === null) {
      delete out[key];
    } else if (isObject(value)) {
      const sameMode = !isObject(current) || !('mode' in value) || value.mode === current.mode;
      out[key] = deepMerge(isObject(current) && sameMode ? current : {}, value);
    } else {
      out[key] = value;
    }
  }
  return out;
}
