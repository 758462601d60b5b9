import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGitStore } from "./git-store.ts";
import { objectId, type ObjectFormat } from "./object-id.ts";
import { createObjectWriter } from "./object-writer.ts";
import { createStoreContext } from "./store-context.ts";
import { initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";
import { commitFiles } from "./commit-files.ts";
import type { TreeEntry } from "./tree-format.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

/** What `git hash-object -t <type> --stdin` (with --literally: no format check) says for these bytes. */
function gitHash(dir: string, type: string, content: Uint8Array): string {
  const r = spawnSync("git", ["hash-object", "-t", type, "--literally", "--stdin"], { cwd: dir, input: content });
  if (r.status !== 0) throw new Error(String(r.stderr));
  return r.stdout.toString().trim();
}

async function repo(format: ObjectFormat): Promise<string> {
  const dir = await dirs.make();
  await simpleGit(dir).raw(["init", "-q", `--object-format=${format}`, "-b", "main"]);
  return dir;
}

// Names that sort differently as files and as directories, a submodule (sorted as a file), bytes beyond ASCII.
const ODD_NAMES: { mode: string; name: string }[] = [
  { mode: "100644", name: "a.b" },
  { mode: "40000", name: "a" },
  { mode: "100644", name: "a0" },
  { mode: "100755", name: "a-b" },
  { mode: "120000", name: "link" },
  { mode: "160000", name: "sub" },
  { mode: "100644", name: "sub.txt" },
  { mode: "40000", name: "sub-dir" },
  { mode: "40000", name: "z" },
  { mode: "100644", name: "z.md" },
  { mode: "100644", name: Buffer.from("é日", "utf8").toString("latin1") },
  { mode: "100644", name: "B" },
];

describe("object ids computed here", () => {
  for (const format of ["sha1", "sha256"] as const) {
    it(`are git's for blobs, trees and commits (${format})`, async () => {
      const dir = await repo(format);
      const writer = createObjectWriter(dir, { format });
      try {
        for (const content of ["", "hello\n", "é 日本 🚀\r\n", new Uint8Array([0, 1, 255, 10])]) {
          const blob = writer.blob(content);
          expect(blob.oid).toBe(gitHash(dir, "blob", typeof content === "string" ? Buffer.from(content) : content));
        }
        const oid = (i: number) => objectId(format, "blob", Buffer.from(String(i)));
        const entries: TreeEntry[] = ODD_NAMES.map((e, i) => ({ ...e, oid: oid(i) }));
        const tree = writer.tree(entries);
        expect(tree.oid).toBe(gitHash(dir, "tree", tree.content));
        // mktree sorts and writes the same tree: git agrees on the order and the bytes.
        expect(await writer.writeTree([...entries].reverse())).toBe(tree.oid);
        // By bytes, a directory as if its name ended with "/": `a.b` < `a` (a/) < `a0`, `z.md` < `z` (z/).
        expect(tree.entries!.map((e) => e.name)).toEqual(["B", "a-b", "a.b", "a", "a0", "link", "sub", "sub-dir", "sub.txt", "z.md", "z", ODD_NAMES[10]!.name]);
        expect(writer.tree([]).oid).toBe(gitHash(dir, "tree", new Uint8Array()));
        const text = `tree ${tree.oid}\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nsubject é\n`;
        const commit = writer.commit(text);
        expect(commit.oid).toBe(gitHash(dir, "commit", Buffer.from(text)));
        expect(commit.tree).toBe(tree.oid);
        expect(await writer.writeCommit(text)).toBe(commit.oid);
      } finally {
        await writer.close();
      }
    });
  }

  it("writes a burst of objects, each once, and refuses an id git does not agree with", async () => {
    const dir = await repo("sha1");
    const writer = createObjectWriter(dir);
    try {
      const a = writer.blob("a\n");
      const tree = writer.tree([{ mode: "100644", name: "a", oid: a.oid }]);
      await writer.write([tree, a, a, writer.blob("a\n")]);
      expect(gitHash(dir, "blob", Buffer.from("a\n"))).toBe(a.oid);
      expect(spawnSync("git", ["cat-file", "-t", tree.oid], { cwd: dir }).stdout.toString().trim()).toBe("tree");
      const wrong = { ...writer.blob("b\n"), oid: a.oid.replace(/^./, (c) => (c === "0" ? "1" : "0")) };
      await expect(writer.write([wrong])).rejects.toThrow(/internal error: git stored a blob as [0-9a-f]{40}, but its id computed here is/);
    } finally {
      await writer.close();
    }
  });

  it("a commit whose object ids git does not confirm is never made: the branch stays where it was", async () => {
    const dir = await dirs.make();
    const git = await initRepo(dir);
    const head = await userCommit(git, dir, { "a.md": "a\n" }, "initial");
    const ctx = await createStoreContext(dir);
    try {
      // A bug in the tree format, simulated: the id computed for one tree is not the one git gives it.
      const tree = ctx.writer.tree.bind(ctx.writer);
      ctx.writer.tree = (entries) => {
        const t = tree(entries);
        return entries.some((e) => e.name === "d") ? { ...t, oid: t.oid.replace(/^./, (c) => (c === "0" ? "1" : "0")) } : t;
      };
      await git.branch(["ateams/p/s"]);
      await expect(commitFiles(ctx, { branch: "ateams/p/s", files: [{ path: "d/x.md", content: "x" }], message: "m" })).rejects.toThrow(/internal error/);
      await expect(commitFiles(ctx, { branch: "main", files: [{ path: "d/x.md", content: "x" }], message: "m" })).rejects.toThrow(/internal error/);
      expect((await git.revparse(["ateams/p/s"])).trim()).toBe(head);
      expect((await git.revparse(["main"])).trim()).toBe(head);
      expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
    } finally {
      await ctx.close();
    }
    // The store's own write path, unpatched, makes the same commit.
    const store = await openGitStore(dir);
    try {
      const r = await store.commitFiles({ branch: "ateams/p/s", files: [{ path: "d/x.md", content: "x" }], message: "m" });
      expect(await store.readFile(r.sha, "d/x.md")).toBe("x");
      expect(readFileSync(join(dir, "a.md"), "utf8")).toBe("a\n");
    } finally {
      await store.close();
    }
  });
});
