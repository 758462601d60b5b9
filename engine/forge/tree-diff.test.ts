import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStoreContext, type StoreContext } from "./store-context.ts";
import { initRepo, isolateGitConfig, tempDirs } from "../../test/support/forge/repos.ts";
import { buildTree, type FileChange } from "./tree-builder.ts";
import { diffTrees } from "./tree-diff.ts";

const dirs = tempDirs();
let ctx: StoreContext;
beforeAll(async () => {
  await isolateGitConfig(dirs);
  const dir = await dirs.make();
  await initRepo(dir);
  ctx = await createStoreContext(dir);
});
afterAll(async () => {
  await ctx.close();
  await dirs.cleanup();
});

/** A commit of `files` on top of `parent`, straight through the tree builder. */
async function commit(parent: string | undefined, files: FileChange[]): Promise<{ sha: string; tree: string }> {
  const built = await buildTree(ctx, parent, files);
  return { sha: await ctx.writeCommit(built.tree, parent ? [parent] : [], "x"), tree: built.tree };
}

/** The reader, counting the trees it was asked for. */
function countingReader() {
  const trees: string[] = [];
  return {
    trees,
    reader: { ...ctx.reader, readTree: (name: string) => (trees.push(name), ctx.reader.readTree(name)) },
  };
}

describe("diffTrees", () => {
  it("lists changed, added and removed files, descending only into subtrees that differ", async () => {
    const many = Array.from({ length: 50 }, (_, i): FileChange => ({ path: `big/${i}/f.md`, content: `${i}` }));
    const a = await commit(undefined, [...many, { path: "x/keep.md", content: "k" }, { path: "x/edit.md", content: "1" }, { path: "gone/a/b.md", content: "g" }]);
    const b = await commit(a.sha, [
      { path: "x/edit.md", content: "2" },
      { path: "gone/a/b.md", content: null },
      { path: "new/deep/n.md", content: "n" },
      { path: "new/m.md", content: "m" },
    ]);
    const { reader, trees } = countingReader();
    const changes = await diffTrees(reader, a.tree, b.tree);
    expect(changes.map((c) => [c.path, c.from !== undefined, c.to !== undefined])).toEqual([
      ["gone/a/b.md", true, false],
      ["new/deep/n.md", false, true],
      ["new/m.md", false, true],
      ["x/edit.md", true, true],
    ]);
    expect(changes.find((c) => c.path === "new/m.md")!.to).toEqual({ mode: "100644", oid: (await ctx.reader.read(`${b.sha}:new/m.md`))!.oid });
    // Root, x, gone, gone/a, new, new/deep on either side: never the 50 unchanged subtrees of big/.
    expect(trees.length).toBeLessThanOrEqual(10);
    expect(await diffTrees(reader, a.tree, a.tree)).toEqual([]);
  });

  it("reports a file that becomes a directory as one change, and treats a missing first tree as empty", async () => {
    const a = await commit(undefined, [{ path: "n", content: "file" }, { path: "k.md", content: "k" }]);
    const b = await commit(a.sha, [{ path: "n", content: null }, { path: "n/inner.md", content: "i" }]);
    const [change, ...rest] = await diffTrees(ctx.reader, a.tree, b.tree);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ path: "n", from: { mode: "100644" }, to: { mode: "40000" } });
    expect((await diffTrees(ctx.reader, undefined, a.tree)).map((c) => c.path)).toEqual(["k.md", "n"]);
  });
});
