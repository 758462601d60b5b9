// The repository's configuration that the store acts on, read in one `git config` call per store: who commits
// (identity.ts) and where refs are kept (whether HEAD is a plain file). Local, global and system files, includes and
// `git -c` all count, because git resolves them.
import type { GitRunner } from "./git-runner.ts";

const KEYS = "^((user|author|committer)\\.(name|email)|extensions\\.refstorage)$";

/** Keys lower-cased as git prints them; the last value wins, as for git's single-valued settings. */
export type RepoConfig = ReadonlyMap<string, string>;

export async function readRepoConfig(git: GitRunner): Promise<RepoConfig> {
  const r = await git.run(["config", "-z", "--get-regexp", KEYS], { ok: [0, 1] });
  return parseConfigZ(r.stdout);
}

/**
 * `git config -z --get-regexp` output: `key\nvalue\0` per entry, or `key\0` for a key written without a value
 * (a boolean true), kept here as "".
 */
export function parseConfigZ(stdout: string): Map<string, string> {
  const config = new Map<string, string>();
  for (const entry of stdout.split("\0")) {
    if (!entry) continue;
    const nl = entry.indexOf("\n");
    if (nl < 0) config.set(entry.toLowerCase(), "");
    else if (nl > 0) config.set(entry.slice(0, nl).toLowerCase(), entry.slice(nl + 1));
  }
  return config;
}
