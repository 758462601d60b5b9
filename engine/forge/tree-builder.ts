// Builds "parent's tree with these files written or deleted" using a private index file, so committing to a branch
// never touches the user's index or working tree (the same trick `git stash` and `git commit --only` use).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GitRunner } from "./git-runner.ts";

export interface FileChange {
  /** Repo-relative, `/`-separated; validated by the caller. */
  path: string;
  /** Stored byte-exact (no clean filters, no line-ending conversion); `null` deletes the path. */
  content: string | Uint8Array | null;
}

export interface WrittenEntry {
  path: string;
  mode: "100644" | "100755";
  blob: string;
}

export interface BuiltTree {
  tree: string;
  written: WrittenEntry[];
  deleted: string[];
}

// Keeps each command line far below ARG_MAX however many files a task writes.
const CHUNK = 200;

export function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function buildTree(git: GitRunner, parent: string | undefined, files: readonly FileChange[]): Promise<BuiltTree> {
  const scratch = await mkdtemp(join(tmpdir(), "ateams-tree-"));
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    await git.run(parent ? ["read-tree", parent] : ["read-tree", "--empty"], { env });
    const writes = files.filter((f): f is FileChange & { content: string | Uint8Array } => f.content !== null);
    const deleted = files.filter((f) => f.content === null).map((f) => f.path);

    // An executable file stays executable when an agent rewrites its content.
    const executable = new Set<string>();
    for (const part of chunks(writes.map((f) => f.path))) {
      const staged = await git.run(["ls-files", "-s", "-z", "--", ...part], { env });
      for (const rec of staged.stdout.split("\0")) {
        const m = /^(\d+) [0-9a-f]+ \d+\t(.*)$/s.exec(rec);
        if (m?.[1] === "100755") executable.add(m[2]!);
      }
    }

    const written: WrittenEntry[] = [];
    for (const [c, part] of chunks(writes).entries()) {
      const blobFiles = await Promise.all(
        part.map(async (f, i) => {
          const file = join(scratch, `blob-${c}-${i}`);
          await writeFile(file, typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content);
          return file;
        }),
      );
      const shas = (await git.text(["hash-object", "-w", "--no-filters", "--", ...blobFiles])).split("\n");
      part.forEach((f, i) => written.push({ path: f.path, mode: executable.has(f.path) ? "100755" : "100644", blob: shas[i]! }));
    }
    for (const part of chunks(written)) {
      await git.run(["update-index", "--add", ...part.flatMap((w) => ["--cacheinfo", `${w.mode},${w.blob},${w.path}`])], { env });
    }
    for (const part of chunks(deleted)) await git.run(["update-index", "--force-remove", "--", ...part], { env });
    return { tree: await git.text(["write-tree"], { env }), written, deleted };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
