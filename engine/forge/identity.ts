// Who commits. A fresh CI machine has no user.name/user.email, and git would then refuse (or guess
// "runner@hostname"); we fill in only what is missing, so an operator's configured identity always wins.
import type { GitRunner } from "./git-runner.ts";

export const FALLBACK_IDENTITY = { name: "ateams", email: "ateams@users.noreply.github.com" } as const;

/**
 * Pure: given the process environment and the repository's effective config (`user.*`, `author.*`,
 * `committer.*` keys, lower-cased), the GIT_AUTHOR_* / GIT_COMMITTER_* variables to add.
 */
export function identityFallbackEnv(env: Readonly<Record<string, string | undefined>>, config: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const who of ["author", "committer"] as const) {
    const WHO = who.toUpperCase();
    if (!env[`GIT_${WHO}_NAME`] && !config.get(`${who}.name`) && !config.get("user.name")) out[`GIT_${WHO}_NAME`] = FALLBACK_IDENTITY.name;
    // git also takes $EMAIL as the last explicit source before guessing.
    if (!env[`GIT_${WHO}_EMAIL`] && !config.get(`${who}.email`) && !config.get("user.email") && !env.EMAIL) {
      out[`GIT_${WHO}_EMAIL`] = FALLBACK_IDENTITY.email;
    }
  }
  return out;
}

/** Reads the effective identity config of the repository (local, global, system) in one git call. */
export async function readIdentityConfig(git: GitRunner): Promise<Map<string, string>> {
  const r = await git.run(["config", "-z", "--get-regexp", "^(user|author|committer)\\.(name|email)$"], { ok: [0, 1] });
  const config = new Map<string, string>();
  for (const entry of r.stdout.split("\0")) {
    const nl = entry.indexOf("\n");
    if (nl > 0 && entry.slice(nl + 1).trim()) config.set(entry.slice(0, nl).toLowerCase(), entry.slice(nl + 1));
  }
  return config;
}
