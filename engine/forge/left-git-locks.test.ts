import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { gitIn } from "../../test/support/git-repo.ts";
import { openGitStore } from "./git-store.ts";
import { removeGitLocksLeftBy } from "./left-git-locks.ts";
import type { LockOwner } from "./repo-lock.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ateams-locks-"));
  gitIn(root, "init", "-q", "-b", "main");
});
afterEach(() => rm(root, { recursive: true, force: true }));

const startedAt = new Date(Date.now() - 60_000).toISOString();
const dead: LockOwner = { pid: 999_999, host: hostname(), startedAt, command: "run", token: "t" };

it("removes the index, HEAD, packed-refs and ref locks made since the dead run started, and nothing else", async () => {
  const store = await openGitStore(root);
  const git = join(root, ".git");
  mkdirSync(join(git, "refs", "heads", "ateams", "p"), { recursive: true });
  const left = [join(git, "index.lock"), join(git, "HEAD.lock"), join(git, "packed-refs.lock"), join(git, "refs", "heads", "main.lock"), join(git, "refs", "heads", "ateams", "p", "s.lock")];
  for (const f of left) writeFileSync(f, "");
  // Older than the dead run: not its doing. Not a lock: not git's lock file.
  const older = join(git, "refs", "heads", "mine.lock");
  writeFileSync(older, "");
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(older, hourAgo, hourAgo);
  const notLock = join(git, "refs", "heads", "ateams", "p", "locked");
  writeFileSync(notLock, "");

  expect(removeGitLocksLeftBy(store, dead).sort()).toEqual([...left].sort());
  for (const f of left) expect(existsSync(f)).toBe(false);
  expect(existsSync(older)).toBe(true);
  expect(existsSync(notLock)).toBe(true);
  expect(removeGitLocksLeftBy(store, dead)).toEqual([]);
  await store.close();
});
