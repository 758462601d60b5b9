import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireRepoLock, LOCK_FILE, MAX_AGE_MS, RepoLockedError, type LockOwner } from "./repo-lock.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ateams-lock-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const lockFile = () => join(dir, LOCK_FILE);
const owner = (o: Partial<LockOwner>): LockOwner => ({ pid: 999_999, host: hostname(), startedAt: new Date().toISOString(), command: "run", token: "t-old", ...o });
const plant = (o: LockOwner) => writeFileSync(lockFile(), `${JSON.stringify(o)}\n`);

describe("acquireRepoLock", () => {
  it("writes the owner (pid, host, start) and removes the file on release", async () => {
    const lock = await acquireRepoLock(dir);
    const written = JSON.parse(readFileSync(lockFile(), "utf8")) as LockOwner;
    expect(written).toMatchObject({ pid: process.pid, host: hostname(), command: "run" });
    expect(Date.parse(written.startedAt)).toBeGreaterThan(0);
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    lock.release(); // twice is harmless
  });

  it("a second taker fails with the owner named (also within one process)", async () => {
    const first = await acquireRepoLock(dir);
    const err = await acquireRepoLock(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepoLockedError);
    expect((err as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect((err as Error).message).toContain(lockFile());
    first.release();
  });

  it("a second taker that waits gets the lock once the first releases it", async () => {
    const first = await acquireRepoLock(dir);
    setTimeout(() => first.release(), 300);
    const t0 = Date.now();
    const second = await acquireRepoLock(dir, { waitMs: 5_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect((JSON.parse(readFileSync(lockFile(), "utf8")) as LockOwner).token).toBe(second.owner.token);
    second.release();
  });

  it("takes over a lock whose pid is dead on this host, and names whose it was", async () => {
    const gone = owner({ pid: 999_999 });
    plant(gone);
    const lock = await acquireRepoLock(dir, { isAlive: () => false });
    expect((JSON.parse(readFileSync(lockFile(), "utf8")) as LockOwner).pid).toBe(process.pid);
    expect(lock.tookOverFrom).toEqual(gone);
    lock.release();
    const fresh = await acquireRepoLock(dir);
    expect(fresh.tookOverFrom).toBeUndefined();
    fresh.release();
  });

  it("keeps a live lock of another host, but takes over one older than the bound", async () => {
    plant(owner({ host: "elsewhere", pid: 1 }));
    await expect(acquireRepoLock(dir, { isAlive: () => false })).rejects.toThrow(/pid 1 on elsewhere/);
    plant(owner({ host: "elsewhere", pid: 1, startedAt: new Date(Date.now() - MAX_AGE_MS - 1000).toISOString() }));
    (await acquireRepoLock(dir)).release();
  });

  it("takes over a garbage lock file only once it is old (its writer may still be filling it in)", async () => {
    writeFileSync(lockFile(), "");
    await expect(acquireRepoLock(dir)).rejects.toBeInstanceOf(RepoLockedError);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lockFile(), old, old);
    (await acquireRepoLock(dir)).release();
  });

  it("many takers racing for one stale lock: exactly one wins", async () => {
    plant(owner({ pid: 999_999 }));
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => acquireRepoLock(dir, { isAlive: (pid) => pid !== 999_999 })));
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(RepoLockedError);
    (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireRepoLock>>>).value.release();
  });
});
