import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsafePathError } from "./errors.ts";
import { createStoreContext, type StoreContext } from "./store-context.ts";
import { initRepo, isolateGitConfig, tempDirs } from "../../test/support/forge/repos.ts";
import { buildTree, type FileChange } from "./tree-builder.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

/** A git command on a scratch index (spawned directly: it needs stdin, and the index must not be the repository's). */
function scratchGit(dir: string, index: string) {
  return (args: string[], input?: Buffer): string => {
    const r = spawnSync("git", args, { cwd: dir, env: { ...process.env, GIT_INDEX_FILE: index }, input });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.toString().trim();
  };
}

/**
 * The former method, kept as the reference: a scratch index filled from the parent, `ls-files` for executable
 * bits, `hash-object`, `update-index` (`--replace`, so a file may become a directory as in a checkout), `write-tree`.
 */
async function indexBuiltTree(dir: string, parent: string | undefined, files: readonly FileChange[]): Promise<{ tree: string; modes: string[] }> {
  const scratch = await mkdtemp(join(tmpdir(), "ateams-ref-index-"));
  const git = scratchGit(dir, join(scratch, "index"));
  try {
    git(parent ? ["read-tree", parent] : ["read-tree", "--empty"]);
    const modes: string[] = [];
    for (const f of files) {
      if (f.content === null) {
        git(["update-index", "--force-remove", "--", f.path]);
        continue;
      }
      const mode = git(["ls-files", "-s", "--", f.path]).startsWith("100755 ") ? "100755" : "100644";
      const blob = git(["hash-object", "-w", "--no-filters", "--stdin"], Buffer.from(f.content));
      git(["update-index", "--add", "--replace", "--cacheinfo", `${mode},${blob},${f.path}`]);
      modes.push(mode);
    }
    return { tree: git(["write-tree"]), modes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A commit with `dir/` holding what a tree may have but an agent cannot write: names with a newline, a backslash or
 * non-UTF-8 bytes, and a legacy mode (100664) that only a tool writing trees directly produces.
 */
async function commitWithOddEntries(dir: string, entries: { mode: string; name: Buffer; content: string }[]): Promise<string> {
  const git = scratchGit(dir, join(dir, ".git", "unused-index"));
  // The tree object's own format (sorted by name; none of these names is a prefix of another), since mktree and
  // the index would canonicalise the legacy mode.
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.name, b.name));
  const raw = sorted.map((e) =>
    Buffer.concat([Buffer.from(`${e.mode} `), e.name, Buffer.from([0]), Buffer.from(git(["hash-object", "-w", "--stdin"], Buffer.from(e.content)), "hex")]),
  );
  const sub = git(["hash-object", "-w", "-t", "tree", "--literally", "--stdin"], Buffer.concat(raw));
  const root = git(["mktree", "-z"], Buffer.from(`040000 tree ${sub}\tdir\0`));
  return git(["commit-tree", root, "-m", "odd entries"]);
}

let ctx: StoreContext;
let git: SimpleGit;
let repo: string;
let base: string;

beforeAll(async () => {
  const dir = (repo = await dirs.make());
  git = await initRepo(dir);
  const files: Record<string, string> = {
    "README.md": "hello\n",
    "a.b": "dot\n",
    "a-b": "dash\n",
    "a/x.md": "in a\n",
    "a/deep/only.md": "last file of a/deep\n",
    "with space/file name.md": "spaces\n",
    "q\"uote.md": "quote\n",
    "unicodé/日本.md": "unicode\n",
    "solo/one.md": "only file\n",
    "run.sh": "#!/bin/sh\n",
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content, { mode: path.endsWith(".sh") ? 0o755 : 0o644 });
  }
  await git.raw(["add", "-A"]);
  await git.commit("base");
  base = (await git.revparse(["HEAD"])).trim();
  ctx = await createStoreContext(dir);
});
afterAll(() => ctx.close());

const CASES: Record<string, FileChange[]> = {
  "new nested paths": [
    { path: "new/deeper/still/file.md", content: "n\n" },
    { path: "a/deep/sibling.md", content: "s\n" },
  ],
  "a rewrite of an existing file": [{ path: "README.md", content: "hello again\n" }],
  "the last file of a directory deleted": [{ path: "a/deep/only.md", content: null }],
  "the only file of a top directory deleted": [{ path: "solo/one.md", content: null }],
  "an executable rewritten": [{ path: "run.sh", content: "#!/bin/sh\necho 2\n" }],
  "names with spaces, quotes and unicode": [
    { path: "with space/another name.md", content: "x" },
    { path: "q\"uote.md", content: "changed" },
    { path: "unicodé/日本.md", content: "changed" },
    { path: "ünï/\"q\" 'x'.md", content: "new" },
  ],
  "a, a.b, a-b, a0 and a/ sorted as git sorts": [
    { path: "a0", content: "zero" },
    { path: "a/a", content: "inner" },
    { path: "a.b", content: "dot changed" },
    { path: "a.c/x", content: "dir after a.b" },
  ],
  "deletes of missing paths and of a directory's path": [
    { path: "nope.md", content: null },
    { path: "a/nope/deeper.md", content: null },
    { path: "a", content: null },
  ],
  "a file turned into a directory": [
    { path: "a.b", content: null },
    { path: "a.b/inside.md", content: "i" },
  ],
  "a directory replaced by a file": [{ path: "solo", content: "now a file" }],
  "binary content": [{ path: "bin/b.bin", content: new Uint8Array([0, 1, 2, 255, 13, 10]) }],
  "everything deleted": ["README.md", "a.b", "a-b", "a/x.md", "a/deep/only.md", "with space/file name.md", "q\"uote.md", "unicodé/日本.md", "solo/one.md", "run.sh"].map(
    (path) => ({ path, content: null }),
  ),
  "no change at all": [],
};

describe("buildTree", () => {
  for (const [name, files] of Object.entries(CASES)) {
    it(`writes the tree the index-based method wrote: ${name}`, async () => {
      const built = await buildTree(ctx, base, files);
      const reference = await indexBuiltTree(repo, base, files);
      expect(built.tree).toBe(reference.tree);
      expect(built.written.map((w) => w.mode)).toEqual(reference.modes);
      expect(built.parentTree).toBe((await git.revparse([`${base}^{tree}`])).trim());
      expect(built.deleted).toEqual(files.filter((f) => f.content === null).map((f) => f.path));
      expect((await git.raw(["fsck", "--strict", "--no-dangling", "--no-progress"])).trim()).toBe("");
    });
  }

  it("builds a first tree with no parent, and the empty tree for no files", async () => {
    const files = CASES["new nested paths"]!;
    expect((await buildTree(ctx, undefined, files)).tree).toBe((await indexBuiltTree(repo, undefined, files)).tree);
    expect((await buildTree(ctx, undefined, [])).tree).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  });

  it("keeps the executable bit, and reports file/directory swaps the working tree could not follow", async () => {
    const built = await buildTree(ctx, base, [...CASES["an executable rewritten"]!, ...CASES["a file turned into a directory"]!, ...CASES["a directory replaced by a file"]!]);
    expect(built.written.find((w) => w.path === "run.sh")?.mode).toBe("100755");
    expect(built.replaced.sort()).toEqual(["a.b", "solo"]);
    expect((await buildTree(ctx, base, CASES["new nested paths"]!)).replaced).toEqual([]);
  });

  it("refuses a path written both as a file and as a directory", async () => {
    await expect(buildTree(ctx, base, [{ path: "x", content: "1" }, { path: "x/y", content: "2" }])).rejects.toBeInstanceOf(UnsafePathError);
  });

  it("rewrites trees holding names an agent could not write and legacy modes as write-tree did", async () => {
    const odd = await commitWithOddEntries(repo, [
      { mode: "100644", name: Buffer.from("line\nbreak"), content: "1" },
      { mode: "100644", name: Buffer.from("back\\slash"), content: "2" },
      { mode: "100644", name: Buffer.concat([Buffer.from("latin1-"), Buffer.from([0xe9, 0xff])]), content: "3" },
      { mode: "100755", name: Buffer.from("tab\there"), content: "4" },
      { mode: "100664", name: Buffer.from("group-writable"), content: "5" },
    ]);
    // ls-tree shows modes canonicalised; the stored bytes tell.
    const rawDir = (tree: string) => scratchGit(repo, join(repo, ".git", "unused-index"))(["cat-file", "tree", `${tree}:dir`]);
    expect(rawDir(odd)).toContain("100664 group-writable\0");
    const files: FileChange[] = [{ path: "dir/new.md", content: "new" }];
    const built = await buildTree(ctx, odd, files);
    expect(built.tree).toBe((await indexBuiltTree(repo, odd, files)).tree);
    expect(rawDir(built.tree)).toContain("100644 group-writable\0");
  });
});

describe("buildTree in a sha256 repository", () => {
  it("reads and writes 32-byte object ids", async () => {
    const dir = await dirs.make();
    const g = simpleGit(dir);
    await g.raw(["init", "-q", "--object-format=sha256", "-b", "main"]);
    await g.addConfig("user.name", "T");
    await g.addConfig("user.email", "t@example.com");
    await writeFile(join(dir, "a.md"), "a\n");
    await mkdir(join(dir, "d"));
    await writeFile(join(dir, "d/b.md"), "b\n");
    await g.raw(["add", "-A"]);
    await g.commit("base");
    const head = (await g.revparse(["HEAD"])).trim();
    const c = await createStoreContext(dir);
    try {
      const files: FileChange[] = [
        { path: "d/c.md", content: "c\n" },
        { path: "a.md", content: null },
      ];
      const built = await buildTree(c, head, files);
      expect(built.tree).toHaveLength(64);
      expect(built.tree).toBe((await indexBuiltTree(dir, head, files)).tree);
    } finally {
      await c.close();
    }
  });
});
