import { chmod, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitDirtyWorktreeError, GitRefNotFoundError, InvalidRefNameError } from "./errors.ts";
import { openGitStore } from "./git-store.ts";
import { checkoutSnapshot, initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

/** main: initial → second; a stream from initial with one commit; a merge of it into an assembly branch. */
async function history() {
  const dir = await dirs.make();
  const git = await initRepo(dir);
  const initial = await userCommit(git, dir, { "README.md": "hello\n" }, "initial");
  const store = await openGitStore(dir);
  const second = (await store.commitFiles({ branch: "main", files: [{ path: "b.md", content: "b" }], message: "second" })).sha;
  const stream = (await store.commitFiles({ branch: "ateams/p/s", base: initial, files: [{ path: "s.md", content: "s" }], message: "stream" })).sha;
  await store.commitFiles({ branch: "ateams/p/assembly", base: "main", files: [{ path: "a.md", content: "a" }], message: "assembly" });
  const merged = await store.mergeBranch({ source: "ateams/p/s", into: "ateams/p/assembly", message: "merge" });
  const merge = (merged as { sha: string }).sha;
  return { dir, git, store, initial, second, stream, merge };
}

describe("GitStore.isAncestor", () => {
  it("answers for parents, deeper ancestors, unrelated commits and itself", async () => {
    const { store, initial, second, stream, merge } = await history();
    expect(await store.isAncestor(initial, second)).toBe(true);
    expect(await store.isAncestor(initial, merge)).toBe(true); // two generations back
    expect(await store.isAncestor(stream, merge)).toBe(true); // second parent
    expect(await store.isAncestor(second, stream)).toBe(false);
    expect(await store.isAncestor(merge, initial)).toBe(false);
    expect(await store.isAncestor(second, second)).toBe(true);
    expect(await store.isAncestor("main", "ateams/p/assembly")).toBe(true); // any commit-ish
  });

  it("says false for names that are not commits here instead of failing", async () => {
    const { store, second } = await history();
    expect(await store.isAncestor("0".repeat(40), second)).toBe(false);
    expect(await store.isAncestor(second, "no-such-branch")).toBe(false);
    expect(await store.isAncestor(`${second}:b.md`, second)).toBe(false); // a blob
  });
});

describe("GitStore.parentsOf", () => {
  it("reads parents of root, ordinary and merge commits; undefined for anything else", async () => {
    const { store, initial, second, stream, merge } = await history();
    expect(await store.parentsOf(initial)).toEqual([]);
    expect(await store.parentsOf(second)).toEqual([initial]);
    expect(await store.parentsOf(merge)).toEqual([(await store.resolveRef(`${merge}^1`))!, stream]);
    expect(await store.parentsOf("main")).toEqual([initial]);
    expect(await store.parentsOf("0".repeat(40))).toBeUndefined();
    expect(await store.parentsOf(`${second}^{tree}`)).toBeUndefined();
    expect(await store.parentsOf(`${second}:b.md`)).toBeUndefined();
  });
});

describe("GitStore.listTree", () => {
  it("lists every blob below a directory with its id and size, as ls-tree -r -l does", async () => {
    const dir = await dirs.make();
    const git = await initRepo(dir);
    await mkdir(join(dir, "out/deep/er"), { recursive: true });
    await writeFile(join(dir, "out/deep/er/x.md"), "x".repeat(1000));
    await writeFile(join(dir, "out/run.sh"), "#!/bin/sh\n");
    await chmod(join(dir, "out/run.sh"), 0o755);
    await symlink("run.sh", join(dir, "out/link"));
    await writeFile(join(dir, "out/ünï cødé.md"), "");
    await writeFile(join(dir, "outside.md"), "no");
    await git.raw(["add", "-A"]);
    await userCommit(git, dir, { "out/a.md": "a\n" }, "files");
    const store = await openGitStore(dir);

    const listed = await store.listTree("main", "out");
    const raw = await git.raw(["ls-tree", "-r", "-l", "-z", "main", "--", "out/"]);
    const expected = new Map(
      raw
        .split("\0")
        .filter(Boolean)
        .map((entry) => {
          const m = /^\d+ blob ([0-9a-f]+)\s+(\d+)\t(.*)$/s.exec(entry)!;
          return [m[3]!.slice("out/".length), { blob: m[1]!, bytes: Number(m[2]) }] as const;
        }),
    );
    expect(listed).toEqual(expected);
    expect([...listed.keys()]).toEqual(["a.md", "deep/er/x.md", "link", "run.sh", "ünï cødé.md"]);
    expect(listed.get("deep/er/x.md")!.bytes).toBe(1000);

    expect([...(await store.listTree("main", "out/deep")).keys()]).toEqual(["er/x.md"]);
    expect([...(await store.listTree("main", "")).keys()]).toContain("outside.md");
    expect((await store.listTree("main", "out/")).size).toBe(5);
  });

  it("is empty for a missing ref, a missing directory, or a file", async () => {
    const dir = await dirs.make();
    const git = await initRepo(dir);
    await userCommit(git, dir, { "a.md": "a" }, "one");
    const store = await openGitStore(dir);
    expect(await store.listTree("nope", "out")).toEqual(new Map());
    expect(await store.listTree("main", "out")).toEqual(new Map());
    expect(await store.listTree("main", "a.md")).toEqual(new Map());
  });
});

describe("GitStore.moveBranch", () => {
  it("moves, creates and refuses as a compare-and-swap", async () => {
    const { git, store, initial, second, stream } = await history();
    const before = await checkoutSnapshot(git);
    expect(await store.moveBranch("ateams/p/s", second, stream)).toBe(true);
    expect(await store.resolveRef("ateams/p/s")).toBe(second);
    // Someone moved it first: nothing happens.
    expect(await store.moveBranch("ateams/p/s", initial, stream)).toBe(false);
    expect(await store.resolveRef("ateams/p/s")).toBe(second);
    // Create (expected undefined), but not over an existing branch.
    expect(await store.moveBranch("ateams/p/new", initial, undefined)).toBe(true);
    expect(await store.resolveRef("ateams/p/new")).toBe(initial);
    expect(await store.moveBranch("ateams/p/new", second, undefined)).toBe(false);
    expect(await store.moveBranch("ateams/p/new", second, "0".repeat(40))).toBe(false);
    expect(await store.moveBranch("ateams/p/new", initial, initial)).toBe(true); // already there
    expect((await git.raw(["reflog", "-1", "--format=%gs", "ateams/p/s"])).trim()).toBe(`ateams: move ateams/p/s to ${second}`);
    expect(await checkoutSnapshot(git)).toBe(before);

    await expect(store.moveBranch("ateams/p/s", "no-such", second)).rejects.toBeInstanceOf(GitRefNotFoundError);
    await expect(store.moveBranch("bad..name", second, undefined)).rejects.toBeInstanceOf(InvalidRefNameError);
  });

  it("brings the working tree along when the branch is checked out, refusing over the user's changes", async () => {
    const { dir, git, store, initial } = await history();
    const target = (await store.resolveRef("ateams/p/assembly"))!;
    const main = (await store.resolveRef("main"))!;
    await writeFile(join(dir, "s.md"), "user's own s.md\n"); // untracked, where the move would write
    await expect(store.moveBranch("main", target, main)).rejects.toBeInstanceOf(GitDirtyWorktreeError);
    expect(await store.resolveRef("main")).toBe(main);

    await git.raw(["clean", "-fq"]);
    await writeFile(join(dir, "README.md"), "an edit the move does not touch\n");

    expect(await store.moveBranch("main", target, main)).toBe(true);
    expect(await readFile(join(dir, "a.md"), "utf8")).toBe("a");
    expect(await readFile(join(dir, "s.md"), "utf8")).toBe("s");
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("M README.md");

    // And back: files the old commit lacks are removed.
    expect(await store.moveBranch("main", initial, target)).toBe(true);
    await expect(stat(join(dir, "a.md"))).rejects.toThrow();
    await expect(stat(join(dir, "b.md"))).rejects.toThrow();
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("M README.md");
  });
});
