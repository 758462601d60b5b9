// Object writes through two long-lived processes: blobs with `hash-object -w --no-filters --stdin-paths` (stored
// byte-exact: no clean filters, no line-ending conversion; it reads files, so content goes through a private scratch
// directory first) and trees with `mktree --missing --batch`. git names every object; nothing here computes an id.
import { rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchProcess, lineReply, type ReplyReader } from "./batch-process.ts";
import { mktreeLine, type TreeEntry } from "./tree-format.ts";

export interface ObjectWriter {
  /** Stores a blob; resolves with the id git gave it. */
  writeBlob(content: string | Uint8Array): Promise<string>;
  /** Stores the tree of exactly these entries (in any order; git sorts them); an empty list is the empty tree. */
  writeTree(entries: readonly TreeEntry[]): Promise<string>;
  close(): Promise<void>;
}

const oidReply: ReplyReader<string> = (data) => {
  const reply = lineReply(data);
  if ("value" in reply && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(reply.value)) throw new Error(`expected an object id, got ${JSON.stringify(reply.value)}`);
  return reply;
};

// Small files are written at once: the thread pool's open, write and close round trips cost more than the write.
const SYNC_WRITE_BYTES = 64 * 1024;

// Scratch directories of stores that were never closed, removed when the process exits.
const openScratch = new Set<string>();
let exitHook = false;

export function createObjectWriter(dir: string): ObjectWriter {
  const blobs = new BatchProcess(dir, ["hash-object", "-w", "--no-filters", "--stdin-paths"]);
  // --missing: a submodule's commit is not in this repository, and it is copied over from the parent's tree as is.
  const trees = new BatchProcess(dir, ["mktree", "--missing", "--batch"]);
  let scratch: Promise<string> | undefined;
  let files = 0;

  return {
    async writeBlob(content) {
      scratch ??= mkdtemp(join(tmpdir(), "ateams-objects-")).then((d) => {
        openScratch.add(d);
        if (!exitHook) process.once("exit", () => openScratch.forEach((s) => rmSync(s, { recursive: true, force: true })));
        exitHook = true;
        return d;
      });
      const file = join(await scratch, String(files++));
      const small = content.length <= SYNC_WRITE_BYTES;
      if (small) writeFileSync(file, content);
      else await writeFile(file, content);
      try {
        return await blobs.request(`${file}\n`, oidReply);
      } finally {
        await rm(file, { force: true });
      }
    },
    writeTree: (entries) => trees.request(`${entries.map(mktreeLine).join("")}\n`, oidReply),
    async close() {
      await Promise.all([blobs.close(), trees.close()]);
      const d = await scratch?.catch(() => undefined);
      scratch = undefined;
      if (d) {
        openScratch.delete(d);
        await rm(d, { recursive: true, force: true });
      }
    },
  };
}
