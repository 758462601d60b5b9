// The git side of a run: where the agency lives in the repository, which branch is being worked on, where each
// stream's outputs are observed, and the two kinds of commit a run makes (stream branch, working branch).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { simpleGit } from "simple-git";
import { formatBranchName, openGitStore, streamBranch, type CommitResult, type FileChange, type GitStore, type MergeResult, type Trailers } from "../forge/index.ts";
import { observeOutputsOnDisk } from "../spec/load-agency.ts";
import { outputKey, type LoadedProject, type OutputFile, type OutputObserver } from "../spec/model.ts";

export class WorkspaceError extends Error {
  override name = "WorkspaceError";
}

export interface Workspace {
  readonly store: GitStore;
  readonly repoRoot: string;
  /** The checked-out branch: plan, status and merged streams land here. */
  readonly workingBranch: string;
  /** Repository-relative path of a file under the agency directory. */
  repoPath(absolute: string): string;
  streamBranchOf(project: string, stream: string): string;
  /** True while the stream's branch has commits the working branch lacks. */
  streamPending(project: string, stream: string): Promise<boolean>;
  /** Whether a commit is contained in the working branch (merged), whatever became of its branch. */
  isMerged(sha: string): Promise<boolean>;
  /** An output's text where it is observed: the unmerged stream branch, else the working tree. */
  readOutput(project: LoadedProject, stream: string, path: string): Promise<string | undefined>;
  /** Blob ids of declared outputs, from the same places readOutput reads. */
  observeOutputs: OutputObserver;
  /** `writeWorktree: false` when the caller already wrote the files (see GitStore.commitFiles). */
  commitWorking(files: FileChange[], message: string, trailers: Trailers, opts?: { writeWorktree?: boolean }): Promise<CommitResult>;
  commitStream(project: string, stream: string, files: FileChange[], message: string, trailers: Trailers): Promise<CommitResult>;
  /** A commit on any other branch (created from the working branch): plan approval and assembly branches. */
  commitBranch(branch: string, files: FileChange[], message: string, trailers: Trailers): Promise<CommitResult>;
  mergeStream(project: string, stream: string, message: string, trailers: Trailers): Promise<MergeResult>;
}

export async function openWorkspace(dir: string): Promise<Workspace> {
  let store: GitStore;
  try {
    store = await openGitStore(dir);
  } catch (e) {
    throw new WorkspaceError(`ateams run works in a git repository, and ${dir} is not in one: run \`git init\` first`, { cause: e });
  }
  if (store.bare) throw new WorkspaceError("ateams run needs a working tree, not a bare repository");
  const head = await store.head();
  if (!head.branch) throw new WorkspaceError("HEAD is detached: check out the branch the agency's work should land on");
  const repoRoot = store.dir;
  const workingBranch = head.branch;
  const git = simpleGit(repoRoot);
  // A lock left by a killed git process would fail the first commit after model calls were paid for: say so first.
  const lock = resolve(repoRoot, (await git.raw(["rev-parse", "--git-path", "index.lock"])).trim());
  if (existsSync(lock)) {
    throw new WorkspaceError(`${lock} exists: another git process is running, or one was killed. If none is running, remove the file and run again.`);
  }
  const repoPath = (absolute: string) => relative(repoRoot, absolute).split(sep).join("/");
  const branchOf = (project: string, stream: string) => formatBranchName(streamBranch(project, stream));

  // Observing outputs happens after every finished action, so git is asked as little as possible: one
  // for-each-ref for all stream tips, and merge-base / ls-tree only for tips not seen before.
  const pendingByTips = new Map<string, boolean>();
  const listingByTip = new Map<string, Map<string, OutputFile>>();

  // Refs only move by our own commits and merges during a run (each bumps `generation`), or by another process
  // pushing; the cache is dropped on ours and lives at most a second for theirs.
  let generation = 0;
  let cached: { generation: number; at: number; value: Promise<{ head: string | undefined; branches: Map<string, string> }> } | undefined;
  function tips(): Promise<{ head: string | undefined; branches: Map<string, string> }> {
    if (cached && cached.generation === generation && Date.now() - cached.at < 1000) return cached.value;
    const value = readTips();
    cached = { generation, at: Date.now(), value };
    return value;
  }
  const moved = <T>(p: Promise<T>): Promise<T> =>
    p.finally(() => {
      generation++;
    });

  async function readTips(): Promise<{ head: string | undefined; branches: Map<string, string> }> {
    const out = await git.raw(["for-each-ref", "--format=%(objectname) %(refname:short)", "refs/heads/ateams/"]);
    const branches = new Map<string, string>();
    for (const line of out.split("\n").filter(Boolean)) {
      const [sha, name] = line.split(" ") as [string, string];
      branches.set(name, sha);
    }
    return { head: await store.resolveRef("HEAD"), branches };
  }

  async function pendingTip(branch: string, t: Awaited<ReturnType<typeof tips>>): Promise<string | undefined> {
    const tip = t.branches.get(branch);
    if (!tip) return undefined;
    if (!t.head) return tip;
    const key = `${tip}:${t.head}`;
    let pending = pendingByTips.get(key);
    if (pending === undefined) {
      // The tip is merged when it is its own merge base with HEAD (simple-git does not surface exit code 1).
      const base = await git.raw(["merge-base", tip, t.head]).catch(() => "");
      pending = base.trim() !== tip;
      pendingByTips.set(key, pending);
    }
    return pending ? tip : undefined;
  }

  async function streamPending(project: string, stream: string): Promise<boolean> {
    return (await pendingTip(branchOf(project, stream), await tips())) !== undefined;
  }

  async function observeOutputs(project: LoadedProject): Promise<Map<string, OutputFile>> {
    const out = await observeOutputsOnDisk(project);
    const t = await tips();
    for (const stream of project.plan?.streams ?? []) {
      const tip = await pendingTip(branchOf(project.id, stream.id), t);
      if (!tip) continue;
      let listing = listingByTip.get(tip);
      if (!listing) {
        listing = new Map();
        const dir = repoPath(join(project.dir, "outputs", stream.id));
        const raw = await git.raw(["ls-tree", "-r", "-l", "-z", tip, "--", `${dir}/`]);
        for (const entry of raw.split("\0").filter(Boolean)) {
          const m = /^\d+ blob ([0-9a-f]+)\s+(\d+)\t(.*)$/s.exec(entry);
          if (m) listing.set(outputKey(stream.id, m[3]!.slice(dir.length + 1)), { blob: m[1]!, bytes: Number(m[2]) });
        }
        listingByTip.set(tip, listing);
      }
      for (const key of [...out.keys()]) if (key.startsWith(`${stream.id}/`)) out.delete(key);
      for (const [k, v] of listing) out.set(k, v);
    }
    return out;
  }

  return {
    store,
    repoRoot,
    workingBranch,
    repoPath,
    streamBranchOf: branchOf,
    streamPending,
    async isMerged(sha) {
      const head = await store.resolveRef("HEAD");
      if (!head) return false;
      return (await git.raw(["merge-base", sha, head]).catch(() => "")).trim() === sha;
    },
    async readOutput(project, stream, path) {
      const file = join(project.dir, "outputs", stream, path);
      if (await streamPending(project.id, stream)) return store.readFile(branchOf(project.id, stream), repoPath(file));
      try {
        return statSync(file).isFile() ? readFileSync(file, "utf8") : undefined;
      } catch {
        return undefined;
      }
    },
    observeOutputs,
    commitWorking: (files, message, trailers, opts) => moved(store.commitFiles({ branch: workingBranch, files, message, trailers, ...(opts ?? {}) })),
    async commitStream(project, stream, files, message, trailers) {
      // A stream already merged restarts from the working branch (a fast-forward of its ref), so new work builds on
      // what people changed since, not on the stream's old tip.
      const branch = branchOf(project, stream);
      const tip = await store.resolveRef(branch);
      const head = await store.resolveRef("HEAD");
      if (tip && head && tip !== head && !(await streamPending(project, stream))) {
        await git.raw(["update-ref", `refs/heads/${branch}`, head, tip]);
        generation++;
      }
      return moved(store.commitFiles({ branch, base: workingBranch, files, message, trailers }));
    },
    commitBranch: (branch, files, message, trailers) => moved(store.commitFiles({ branch, base: workingBranch, files, message, trailers })),
    mergeStream: (project, stream, message, trailers) => moved(store.mergeBranch({ source: branchOf(project, stream), into: workingBranch, message, trailers })),
  };
}

