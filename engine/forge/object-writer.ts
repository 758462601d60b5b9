// Object writes through long-lived processes: trees with `mktree --batch`; blobs and commit objects straight into the
// object directory where the repository's settings allow (loose-objects.ts), else with `hash-object -w
// --stdin-paths` (one per type). hash-object reads files, so content goes through a private scratch directory
// first; --no-filters stores it byte-exact (no clean filters, no line-ending conversion).
//
// Every object's id is computed here first (object-id.ts), so a commit's blobs, trees and the commit itself are all
// named before anything is sent, then sent together without waiting between them; each id git answers is checked
// against ours. A mismatch is a bug here, never a commit: the write fails and nothing points at the object.
import { rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchProcess, lineReply, type ReplyReader } from "./batch-process.ts";
import type { LooseObjects } from "./loose-objects.ts";
import { ObjectCache } from "./object-cache.ts";
import { objectId, type ObjectFormat, type WritableType } from "./object-id.ts";
import { mktreeLine, sortedEntries, treeObject, type TreeEntry } from "./tree-format.ts";

/** An object named but not necessarily written yet. */
export interface NewObject {
  type: WritableType;
  oid: string;
  /** The bytes git stores (for a tree, its binary form). */
  content: Uint8Array;
  /** A tree's entries, in git's order. */
  entries?: readonly TreeEntry[];
  /** A commit's tree. */
  tree?: string;
}

export interface ObjectWriter {
  readonly format: ObjectFormat;
  /** Names a blob (nothing is written). */
  blob(content: string | Uint8Array): NewObject;
  /** Names the tree of exactly these entries, sorted as git sorts them (nothing is written). */
  tree(entries: readonly TreeEntry[]): NewObject;
  /** Names a commit object from its full text: headers, blank line, message (nothing is written). */
  commit(text: string): NewObject;
  /**
   * Writes the objects: every request is sent before any answer is awaited. Resolves once git has stored each one
   * under the id computed here; a different id from git is an internal error (thrown).
   */
  write(objects: readonly NewObject[]): Promise<void>;
  writeBlob(content: string | Uint8Array): Promise<string>;
  /** A tree of exactly these entries; an empty list writes the empty tree. */
  writeTree(entries: readonly TreeEntry[]): Promise<string>;
  writeCommit(text: string): Promise<string>;
  close(): Promise<void>;
}

const oidReply: ReplyReader<string> = (data) => {
  const reply = lineReply(data);
  if ("value" in reply && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(reply.value)) throw new Error(`expected an object id, got ${JSON.stringify(reply.value)}`);
  return reply;
};

const SYNC_WRITE_BYTES = 64 * 1024;

// Scratch directories of stores that were never closed, removed when the process exits.
const openScratch = new Set<string>();
let exitHook = false;

const bytesOf = (content: string | Uint8Array): Uint8Array => (typeof content === "string" ? Buffer.from(content, "utf8") : content);

export interface ObjectWriterOptions {
  /** The repository's object format (`rev-parse --show-object-format`); default sha1. */
  format?: ObjectFormat;
  /** Shared with the store's reader: trees and commits written here are added. */
  cache?: ObjectCache;
  /**
   * Where objects can be written without git (the repository's settings decide, see loose-objects.ts); undefined
   * there, or without this option, the processes write them.
   */
  loose?: () => Promise<LooseObjects | undefined>;
}

export function createObjectWriter(dir: string, options: ObjectWriterOptions = {}): ObjectWriter {
  const format = options.format ?? "sha1";
  const cache = options.cache ?? new ObjectCache();
  const blobs = new BatchProcess(dir, ["hash-object", "-w", "--no-filters", "--stdin-paths"]);
  const commits = new BatchProcess(dir, ["hash-object", "-w", "-t", "commit", "--no-filters", "--stdin-paths"]);
  // --missing: a submodule's commit is not in this repository, and it is copied over from the parent's tree as is;
  // and a tree may be sent before the blobs in it are stored (the commit's objects go out together).
  const trees = new BatchProcess(dir, ["mktree", "--missing", "--batch"]);
  let scratch: Promise<string> | undefined;
  let files = 0;

  async function hashFile(hasher: BatchProcess, content: Uint8Array): Promise<string> {
    scratch ??= mkdtemp(join(tmpdir(), "ateams-objects-")).then((d) => {
      openScratch.add(d);
      if (!exitHook) process.once("exit", () => openScratch.forEach((s) => rmSync(s, { recursive: true, force: true })));
      exitHook = true;
      return d;
    });
    const file = join(await scratch, String(files++));
    // Small files are written at once: the thread pool's open, write and close round trips cost more than the
    // write itself.
    const small = content.length <= SYNC_WRITE_BYTES;
    if (small) writeFileSync(file, content);
    else await writeFile(file, content);
    try {
      return await hasher.request(`${file}\n`, oidReply);
    } finally {
      if (small) rmSync(file, { force: true });
      else await rm(file, { force: true });
    }
  }

  function send(o: NewObject): Promise<string> {
    switch (o.type) {
      case "blob":
        return hashFile(blobs, o.content);
      case "commit":
        return hashFile(commits, o.content);
      case "tree":
        return trees.request(`${o.entries!.map(mktreeLine).join("")}\n`, oidReply);
    }
  }

  const remember = (o: NewObject) => {
    if (o.entries) cache.rememberTree(o.oid, o.entries);
    if (o.tree) cache.rememberTreeOf(o.oid, o.tree);
  };

  async function writeOne(o: NewObject): Promise<void> {
    const stored = await send(o);
    if (stored !== o.oid) throw new Error(`internal error: git stored a ${o.type} as ${stored}, but its id computed here is ${o.oid}`);
    remember(o);
  }

  /** Every object; resolves once all are stored. */
  async function writeAll(objects: readonly NewObject[]): Promise<void> {
    const direct = await options.loose?.();
    if (!direct) {
      await Promise.all(objects.map(writeOne));
      return;
    }
    // Trees (most of a commit's objects: one per directory on the way to each file) go to mktree, whose process
    // creates their files off this thread and answers with ids to check ours against; blobs and the commit, which
    // git would only take from a file, are written here. Every name is checked before anything is written.
    const here = objects.filter((o) => o.type !== "tree");
    for (const o of here) {
      const id = objectId(format, o.type, o.content);
      if (id !== o.oid) throw new Error(`internal error: a ${o.type} named ${o.oid} here has the id ${id}`);
    }
    await Promise.all([
      ...objects.filter((o) => o.type === "tree").map(writeOne),
      ...here.map(async (o) => {
        await direct.write(o.oid, o.type, o.content);
        remember(o);
      }),
    ]);
  }

  const name = (type: WritableType, content: Uint8Array): NewObject => ({ type, oid: objectId(format, type, content), content });

  const writer: ObjectWriter = {
    format,
    blob: (content) => name("blob", bytesOf(content)),
    tree(entries) {
      const sorted = sortedEntries(entries);
      return { ...name("tree", treeObject(sorted)), entries: sorted };
    },
    commit(text) {
      const tree = /^tree ([0-9a-f]+)\n/.exec(text)?.[1];
      return { ...name("commit", Buffer.from(text, "utf8")), ...(tree ? { tree } : {}) };
    },
    async write(objects) {
      // Each object once (two files with the same content are one blob), all in flight together.
      await writeAll([...new Map(objects.map((o) => [o.oid, o])).values()]);
    },
    async writeBlob(content) {
      const o = writer.blob(content);
      await writeAll([o]);
      return o.oid;
    },
    async writeTree(entries) {
      const o = writer.tree(entries);
      await writeAll([o]);
      return o.oid;
    },
    async writeCommit(text) {
      const o = writer.commit(text);
      await writeAll([o]);
      return o.oid;
    },
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
  return writer;
}
