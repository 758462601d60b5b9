import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchProcess, lineReply } from "./batch-process.ts";
import { GitCommandError } from "./errors.ts";
import { gitProcessesStarted } from "./git-runner.ts";
import { createObjectReader } from "./object-reader.ts";
import { createObjectWriter } from "./object-writer.ts";
import { initRepo, isolateGitConfig, tempDirs } from "../../test/support/forge/repos.ts";

const dirs = tempDirs();
let dir: string;
beforeAll(async () => {
  await isolateGitConfig(dirs);
  dir = await dirs.make();
  await initRepo(dir);
  const writer = createObjectWriter(dir);
  await writer.writeBlob("hello\n");
  await writer.close();
});
afterAll(() => dirs.cleanup());

const BLOB = "ce013625030ba8dba906f756967f9e9ca394464a"; // "hello\n"

describe("BatchProcess", () => {
  it("matches pipelined replies to their requests, bytes included", async () => {
    const writer = createObjectWriter(dir);
    const reader = createObjectReader(dir);
    try {
      const contents = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? Buffer.from([i % 256, 0, 10, 255]) : `file ${i}\n`.repeat(i)));
      const shas = await Promise.all(contents.map((c) => writer.writeBlob(c)));
      const names = shas.flatMap((sha, i) => (i % 10 === 0 ? [sha, `${sha.slice(0, 8)}0000:nope`] : [sha]));
      const objects = await Promise.all(names.map((n) => reader.read(n)));
      for (const [i, name] of names.entries()) {
        if (name.endsWith(":nope")) expect(objects[i]).toBeUndefined();
        else expect(objects[i]?.content).toEqual(Buffer.from(contents[shas.indexOf(name)]!));
      }
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it("fails the requests of a process that died with what git said, and starts a new one", async () => {
    const mktree = new BatchProcess(dir, ["mktree", "--missing", "--batch"]);
    try {
      const bad = mktree.request("not a tree entry\n\n", lineReply);
      const queued = mktree.request(`100644 blob ${BLOB}\tx\n\n`, lineReply);
      const error = await bad.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitCommandError);
      expect((error as GitCommandError).stderr).toMatch(/input format/);
      await expect(queued).rejects.toBeInstanceOf(GitCommandError);
      expect(await mktree.request(`100644 blob ${BLOB}\tx\n\n`, lineReply)).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await mktree.close();
    }
  });

  it("fails a request waiting on a process that was killed, and recovers", async () => {
    const mktree = new BatchProcess(dir, ["mktree", "--missing", "--batch"]);
    try {
      const waiting = mktree.request(`100644 blob ${BLOB}\tx\n`, lineReply); // no blank line yet: no answer
      const pid = mktree.pid!;
      process.kill(pid);
      await expect(waiting).rejects.toBeInstanceOf(GitCommandError);
      expect(await mktree.request(`100644 blob ${BLOB}\tx\n\n`, lineReply)).toMatch(/^[0-9a-f]{40}$/);
      expect(mktree.pid).not.toBe(pid);
    } finally {
      await mktree.close();
    }
  });

  it("starts over when a reply cannot be read", async () => {
    const catFile = new BatchProcess(dir, ["cat-file", "--batch-check"]);
    try {
      const unreadable = catFile.request(`${BLOB}\n`, () => {
        throw new Error("not what we expected");
      });
      await expect(unreadable).rejects.toThrow(/unexpected reply: not what we expected/);
      expect(await catFile.request(`${BLOB}^{blob}\n`, lineReply)).toBe(`${BLOB} blob 6`);
    } finally {
      await catFile.close();
    }
  });

  it("is started on first use and gone after close", async () => {
    const catFile = new BatchProcess(dir, ["cat-file", "--batch-check"]);
    expect(catFile.pid).toBeUndefined();
    expect(await catFile.request(`${BLOB}\n`, lineReply)).toBe(`${BLOB} blob 6`);
    const pid = catFile.pid!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await catFile.close();
    expect(catFile.pid).toBeUndefined();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("keeps Node alive while a request waits, and not after", async () => {
    const script = fileURLToPath(new URL("../../test/support/forge/await-slow-reply.ts", import.meta.url));
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [script, dir], { timeout: 20_000 });
    expect(stdout).toBe("answer");
    // Idle, the process ends by itself after 5 s; the program must not have waited for that.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("a request whose git dies is failed with what git said, even when its stderr ends after the exit", async () => {
    const script = fileURLToPath(new URL("../../test/support/forge/await-death.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script, dir], { timeout: 20_000 });
    expect(stdout).toMatch(/^failed: .*refused/);
  });

  it("a close awaited at the top level of a program waits for the exit and lets the program end normally", async () => {
    const script = fileURLToPath(new URL("../../test/support/forge/close-and-exit.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script, dir], { timeout: 20_000 });
    expect(stdout).toBe("closed");
  });
});

describe("ObjectReader", () => {
  it("a reflog or upstream name git cannot resolve is missing, and fails nothing queued beside it", async () => {
    const reader = createObjectReader(dir);
    try {
      const [before, pastReflog, noUpstream, after] = await Promise.all([reader.read(BLOB), reader.info("HEAD@{99}"), reader.read("HEAD@{upstream}:a"), reader.read(BLOB)]);
      expect(before?.content.toString()).toBe("hello\n");
      expect(pastReflog).toBeUndefined();
      expect(noUpstream).toBeUndefined();
      expect(after?.content.toString()).toBe("hello\n");
    } finally {
      await reader.close();
    }
  });

  it("refuses names that would break the line protocol or read as options, without asking git", async () => {
    const reader = createObjectReader(dir);
    const before = gitProcessesStarted();
    for (const name of ["", "-x", `${BLOB}\nHEAD`, `${BLOB}\r`]) expect(await reader.read(name)).toBeUndefined();
    expect(gitProcessesStarted()).toBe(before);
    expect((await reader.read(BLOB))?.type).toBe("blob");
    await reader.close();
  });

  it("answers info (id, type, size) and contents requests from one process, in order", async () => {
    const reader = createObjectReader(dir);
    try {
      const [info, content, missing, unsafe] = await Promise.all([reader.info(BLOB), reader.read(BLOB), reader.info(`${BLOB.slice(0, 8)}0000`), reader.info("-x")]);
      expect(info).toEqual({ oid: BLOB, type: "blob", size: 6 });
      expect(content?.content.toString()).toBe("hello\n");
      expect(missing).toBeUndefined();
      expect(unsafe).toBeUndefined();
    } finally {
      await reader.close();
    }
  });
});
