// A directory's files at a commit, with their sizes, read entirely through the long-lived cat-file process: trees
// with `contents`, sizes with `info`, all requests pipelined. What `ls-tree -r -l` prints, without starting it.
import { assertSafeRepoPath } from "./safe-path.ts";
import type { StoreContext } from "./store-context.ts";
import { TREE_MODE } from "./tree-format.ts";

export interface TreeFile {
  blob: string;
  bytes: number;
}

const SUBMODULE_MODE = "160000";

export async function listBlobs(ctx: StoreContext, ref: string, dir: string): Promise<Map<string, TreeFile>> {
  const prefix = dir === "" || dir === "." ? "" : assertSafeRepoPath(dir.replace(/\/+$/, ""));
  const commit = await ctx.resolveCommit(ref);
  if (commit === undefined) return new Map();
  const top = await ctx.reader.readTree(prefix ? `${commit}:${prefix}` : `${commit}^{tree}`);
  if (!top) return new Map();

  const found: { path: string; oid: string }[] = [];
  const walk = async (entries: typeof top.entries, at: string): Promise<void> => {
    await Promise.all(
      entries.map(async (e) => {
        const path = at + e.name;
        if (e.mode === SUBMODULE_MODE) return; // a commit of another repository, not a file here
        if (e.mode !== TREE_MODE) return void found.push({ path, oid: e.oid });
        const sub = await ctx.reader.readTree(e.oid);
        if (!sub) throw new Error(`tree ${e.oid} is missing`);
        await walk(sub.entries, `${path}/`);
      }),
    );
  };
  await walk(top.entries, "");

  const sizes = new Map<string, Promise<number>>();
  const sizeOf = (oid: string) => {
    let size = sizes.get(oid);
    if (!size) {
      size = ctx.reader.info(oid).then((info) => {
        if (info?.type !== "blob") throw new Error(`blob ${oid} is missing`);
        return info.size;
      });
      sizes.set(oid, size);
    }
    return size;
  };
  const bytes = await Promise.all(found.map((f) => sizeOf(f.oid)));
  // Names are bytes (see tree-format.ts); keys are their UTF-8 reading, in git's (byte) order.
  const order = found.map((f, i) => ({ ...f, bytes: bytes[i]! })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return new Map(order.map((f) => [Buffer.from(f.path, "latin1").toString("utf8"), { blob: f.oid, bytes: f.bytes }]));
}
