// Who commits. A fresh CI machine has no user.name/user.email, and git would then refuse (or guess
// "runner@hostname"); we fill in only what is missing, so an operator's configured identity always wins.
import type { RepoConfig } from "./repo-config.ts";

export const FALLBACK_IDENTITY = { name: "ateams", email: "ateams@users.noreply.github.com" } as const;

/**
 * Pure: given the process environment and the repository's effective config (`user.*`, `author.*`,
 * `committer.*` keys, lower-cased), the GIT_AUTHOR_* / GIT_COMMITTER_* variables to add.
 */
export function identityFallbackEnv(env: Readonly<Record<string, string | undefined>>, config: RepoConfig): Record<string, string> {
  const out: Record<string, string> = {};
  // A blank value is no identity: git would refuse it just the same.
  const has = (key: string) => !!config.get(key)?.trim();
  for (const who of ["author", "committer"] as const) {
    const WHO = who.toUpperCase();
    if (!env[`GIT_${WHO}_NAME`] && !has(`${who}.name`) && !has("user.name")) out[`GIT_${WHO}_NAME`] = FALLBACK_IDENTITY.name;
    // git also takes $EMAIL as the last explicit source before guessing.
    if (!env[`GIT_${WHO}_EMAIL`] && !has(`${who}.email`) && !has("user.email") && !env.EMAIL) {
      out[`GIT_${WHO}_EMAIL`] = FALLBACK_IDENTITY.email;
    }
  }
  return out;
}
