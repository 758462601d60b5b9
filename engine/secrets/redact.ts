// Secrets never leave the process. Every string bound for status.yaml, a commit (message or file), a work log, a
// pull request body or comment, or the console passes `redact`: the configured keys are removed by value, and
// anything shaped like a credential (`Bearer …`, `sk-…`, `ghp_…`, `github_pat_…`) by shape, since a provider may
// echo a key we were never told about (a proxy's, a second tier's).
//
// The keys are held process-wide: the choke points (forge writer, status serializer, CLI io, GitHub client, model
// boundary) sit in different rooms and none should need a redactor threaded through every constructor to be safe.
// This is the bottom layer: it imports nothing of the engine.

export const REDACTED = "[REDACTED]";

/** Values shorter than this are not treated as secrets: redacting `x` or `dev` would shred ordinary text. */
const MIN_SECRET_LENGTH = 8;

const secrets = new Set<string>();
let byValue: RegExp | undefined;

/**
 * Credential shapes. Each stops at the first character a key never holds, so the text around it survives.
 * `Bearer` and `sk-` need a long run holding a digit, so prose ("Bearer authentication", "sk-learn-compatible")
 * is left alone; GitHub's prefixes are distinctive enough on their own.
 */
const SHAPES: RegExp[] = [
  /\bBearer\s+(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{12,}/gi,
  /\bsk-(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
];

/** Adds a secret's value (ignored when empty or too short to be one); every later `redact` removes it. */
export function addSecret(value: string | undefined | null): void {
  if (typeof value !== "string") return;
  const v = value.trim();
  if (v.length < MIN_SECRET_LENGTH || secrets.has(v)) return;
  secrets.add(v);
  // Longest first, so a key that contains another is removed whole.
  byValue = new RegExp([...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
}

/** Names of the environment variables whose values are secrets: the provider keys, the GitHub token. */
export const SECRET_ENV_NAMES = ["OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN"] as const;

/** Registers the values of `names` (and the usual secret variables) found in `env`. */
export function addSecretsFromEnv(env: NodeJS.ProcessEnv, names: Iterable<string> = []): void {
  for (const n of [...SECRET_ENV_NAMES, ...names]) addSecret(env[n]);
}

/** `text` with every configured secret and every credential-shaped token replaced by [REDACTED]. */
export function redact(text: string): string {
  if (typeof text !== "string" || text.length < MIN_SECRET_LENGTH) return text;
  let out = byValue ? text.replace(byValue, REDACTED) : text;
  for (const shape of SHAPES) out = out.replace(shape, (m) => (m.toLowerCase().startsWith("bearer") ? `Bearer ${REDACTED}` : REDACTED));
  return out;
}

/** Every string inside a JSON-like value redacted (objects and arrays copied, other values kept). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** Whether `text` holds a configured secret's value (shapes not counted): for the writer's last check and tests. */
export function containsSecret(text: string): boolean {
  return byValue !== undefined && new RegExp(byValue.source).test(text);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  byValue = undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
