import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
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

  expect((await removeGitLocksLeftBy(store, dead, 50)).sort()).toEqual([...left].sort());
  for (const f of left) expect(existsSync(f)).toBe(false);
  expect(existsSync(older)).toBe(true);
  expect(existsSync(notLock)).toBe(true);
  expect(await removeGitLocksLeftBy(store, dead, 50)).toEqual([]);
  await store.close();
});

it("leaves a lock a live git lets go of, or takes anew, while it waits", async () => {
  const store = await openGitStore(root);
  const git = join(root, ".git");
  const released = join(git, "index.lock");
  const retaken = join(git, "refs", "heads", "main.lock");
  const stale = join(git, "HEAD.lock");
  for (const f of [released, retaken, stale]) writeFileSync(f, "");
  setTimeout(() => {
    rmSync(released); // its git finished
    rmSync(retaken);
    writeFileSync(retaken, "0123456789abcdef0123456789abcdef01234567\n"); // another git took the lock
  }, 50);
  expect(await removeGitLocksLeftBy(store, dead, 300)).toEqual([stale]);
  expect(existsSync(retaken)).toBe(true);
  await store.close();
});
