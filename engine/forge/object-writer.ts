// Object writes through long-lived processes: blobs and commit objects with `hash-object -w --stdin-paths` (one per
// type), trees with `mktree --batch`. hash-object reads files, so content goes through a private scratch directory
// first; --no-filters stores it byte-exact (no clean filters, no line-ending conversion).
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchProcess, lineReply, type ReplyReader } from "./batch-process.ts";
import { mktreeLine, type TreeEntry } from "./tree-format.ts";

export interface ObjectWriter {
  writeBlob(content: string | Uint8Array): Promise<string>;
  /** A tree of exactly these entries (mktree sorts them); an empty list writes the empty tree. */
  writeTree(entries: readonly TreeEntry[]): Promise<string>;
  /** A commit object from its full text (headers, blank line, message). */
  writeCommit(text: string): Promise<string>;
  close(): Promise<void>;
}

const oidReply: ReplyReader<string> = (data) => {
  const reply = lineReply(data);
  if ("value" in reply && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(reply.value)) throw new Error(`expected an object id, got ${JSON.stringify(reply.value)}`);
  return reply;
};

// Scratch directories of stores that were never closed, removed when the process exits.
const openScratch = new Set<string>();
let exitHook = false;

export function createObjectWriter(dir: string): ObjectWriter {
  const blobs = new BatchProcess(dir, ["hash-object", "-w", "--no-filters", "--stdin-paths"]);
  const commits = new BatchProcess(dir, ["hash-object", "-w", "-t", "commit", "--no-filters", "--stdin-paths"]);
  // --missing: a submodule's commit is not in this repository, and it is copied over from the parent's tree as is.
  const trees = new BatchProcess(dir, ["mktree", "--missing", "--batch"]);
  let scratch: Promise<string> | undefined;
  let files = 0;

  async function hashFile(hasher: BatchProcess, content: string | Uint8Array): Promise<string> {
    scratch ??= mkdtemp(join(tmpdir(), "ateams-objects-")).then((d) => {
      openScratch.add(d);
      if (!exitHook) process.once("exit", () => openScratch.forEach((s) => rmSync(s, { recursive: true, force: true })));
      exitHook = true;
      return d;
    });
    const file = join(await scratch, String(files++));
    await writeFile(file, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    try {
      return await hasher.request(`${file}\n`, oidReply);
    } finally {
      await rm(file, { force: true });
    }
  }

  return {
    writeBlob: (content) => hashFile(blobs, content),
    writeCommit: (text) => hashFile(commits, text),
    writeTree: (entries) => trees.request(`${entries.map(mktreeLine).join("")}\n`, oidReply),
    async close() {
      await Promise.all([blobs.close(), commits.close(), trees.close()]);
      const d = await scratch?.catch(() => undefined);
      scratch = undefined;
      if (d) {
        openScratch.delete(d);
        await rm(d, { recursive: true, force: true });
      }
    },
  };
}
