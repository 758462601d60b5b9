// The git side of a run: where the agency lives in the repository, which branch is being worked on, where each
// stream's outputs are observed, and the two kinds of commit a run makes (stream branch, working branch).
import { readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { formatBranchName, openGitStore, streamBranch, type CommitResult, type FileChange, type GitStore, type MergeResult, type Trailers } from "../forge/index.ts";
import { assertAllowedPaths, resolveInside, type AllowedPaths } from "../forge/safe-path.ts";
import { gitBlobId, observeOutputsOnDisk } from "../agency/load-agency.ts";
import { CommitGraph } from "./commit-graph.ts";
import { TaskCommits, type TaskCommit } from "./task-commits.ts";
import { outputKey, type LoadedProject, type OutputFile, type OutputObserver } from "../agency/model.ts";

type OnCommit = (sha: string, parents: readonly string[]) => void;

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
  /** The commit on the stream's branch that did this task with these inputs (a run that died before recording it). */
  findTaskCommit(project: string, stream: string, task: string, fingerprint: string): Promise<TaskCommit | undefined>;
  /** `writeWorktree: false` when the caller already wrote the files (see GitStore.commitFiles). */
  commitWorking(files: FileChange[], message: string, trailers: Trailers, opts?: { writeWorktree?: boolean }): Promise<CommitResult>;
  /**
   * A commit on the stream's branch, of `files` only if every one is in `allowed` (the task's declared outputs and
   * its work log): the writer refuses anything else with UnsafePathError, before any object is written.
   */
  commitStream(project: string, stream: string, files: FileChange[], message: string, trailers: Trailers, allowed: AllowedPaths): Promise<CommitResult>;
  /** A commit on any other branch (created from the working branch): plan approval and assembly branches. */
  commitBranch(branch: string, files: FileChange[], message: string, trailers: Trailers): Promise<CommitResult>;
  mergeStream(project: string, stream: string, message: string, trailers: Trailers): Promise<MergeResult>;
  /** Any engine branch merged into the working branch (the L&P Manager's, when agency.yaml lets it apply itself). */
  mergeIntoWorking(branch: string, message: string, trailers?: Trailers): Promise<MergeResult>;
  /** Ends the store's long-lived git processes. */
  close(): Promise<void>;
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
  const repoPath = (absolute: string) => relative(repoRoot, absolute).split(sep).join("/");
  const branchOf = (project: string, stream: string) => formatBranchName(streamBranch(project, stream));

  // Observing outputs happens after every finished action, so git is asked as little as possible: ancestry is
  // derived from the commits this run wrote (CommitGraph), and the listing of a stream's outputs at a tip this run
  // wrote is its parent's listing plus the files written.
  const graph = new CommitGraph((a, b) => store.isAncestor(a, b));
  const listingByTip = new Map<string, ReadonlyMap<string, OutputFile>>();
  /** Per commit this run wrote to a stream: its parent, and each path's blob and size (null: deleted). */
  const wrote = new Map<string, { parent: string | undefined; files: Map<string, OutputFile | null> }>();
  graph.seen(head.commit);
  const taskCommits = new TaskCommits(store, graph);

  // Refs are read afresh at every question (a pipe round trip to the store's cat-file process, no process start),
  // so moves by our own commits and by anyone else are seen at once.
  const headCommit = () => read("HEAD");
  const tipOf = (branch: string) => read(`refs/heads/${branch}`);
  /** A ref read from git, its commit stamped as seen when the answer arrives (CommitGraph). */
  function read(ref: string): Promise<string | undefined> {
    return store.resolveRef(ref).then((sha) => {
      graph.seen(sha);
      return sha;
    });
  }
  /**
   * Makes a commit of ours: the graph learns it before its branch can point at it (a question asked meanwhile
   * reads the new tip), and the files it wrote are noted for listing.
   */
  async function committed(commit: (onCommit: OnCommit) => Promise<CommitResult>, files?: FileChange[]): Promise<CommitResult> {
    const ticket = graph.writing();
    const r = await commit((sha, parents) => graph.learn(sha, parents, ticket));
    if (r.changed && files) {
      const summary = new Map<string, OutputFile | null>();
      for (const f of files) {
        const bytes = f.content === null ? undefined : typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content;
        summary.set(f.path, bytes ? { blob: gitBlobId(bytes), bytes: bytes.length } : null);
      }
      wrote.set(r.sha, { parent: r.parent, files: summary });
    }
    return r;
  }

  /** The branch's tip while it holds commits the working branch (at `head`, read now when not given) lacks. */
  async function pendingTip(branch: string, headNow: Promise<string | undefined> = headCommit()): Promise<string | undefined> {
    const [tip, head] = await Promise.all([tipOf(branch), headNow]);
    if (!tip || !head) return tip;
    return (await graph.isAncestor(tip, head)) ? undefined : tip;
  }

  async function streamPending(project: string, stream: string): Promise<boolean> {
    return (await pendingTip(branchOf(project, stream))) !== undefined;
  }

  /** Outputs of one stream at a commit, keyed by path under outputs/<stream>/. */
  async function listing(tip: string, dir: string): Promise<ReadonlyMap<string, OutputFile>> {
    const key = `${tip}:${dir}`;
    let out = listingByTip.get(key);
    if (out) return out;
    const own = wrote.get(tip);
    if (own?.parent) {
      const next = new Map(await listing(own.parent, dir));
      for (const [path, file] of own.files) {
        if (!path.startsWith(`${dir}/`)) continue;
        const name = path.slice(dir.length + 1);
        if (file === null) next.delete(name);
        else next.set(name, file);
      }
      out = next;
    } else {
      out = new Map([...(await store.listTree(tip, dir))].map(([name, f]) => [name, { blob: f.blob, bytes: f.bytes }]));
    }
    listingByTip.set(key, out);
    return out;
  }

  async function observeOutputs(project: LoadedProject): Promise<Map<string, OutputFile>> {
    const out = await observeOutputsOnDisk(project);
    const streams = project.plan?.streams ?? [];
    // All streams at once: their tips are one pipelined round of reads, not one round trip each.
    const head = streams.length ? headCommit() : undefined;
    const tips = await Promise.all(streams.map((s) => pendingTip(branchOf(project.id, s.id), head)));
    for (const [i, stream] of streams.entries()) {
      const tip = tips[i];
      if (!tip) continue;
      for (const key of [...out.keys()]) if (key.startsWith(`${stream.id}/`)) out.delete(key);
      for (const [name, file] of await listing(tip, repoPath(join(project.dir, "outputs", stream.id)))) out.set(outputKey(stream.id, name), file);
    }
    return out;
  }

  async function mergeIntoWorking(branch: string, message: string, trailers?: Trailers): Promise<MergeResult> {
    const ticket = graph.writing();
    return store.mergeBranch({ source: branch, into: workingBranch, message, ...(trailers ? { trailers } : {}), onCommit: (sha, parents) => graph.learn(sha, parents, ticket) });
  }
  return {
    store,
    repoRoot,
    workingBranch,
    repoPath,
    streamBranchOf: branchOf,
    streamPending,
    async isMerged(sha) {
      const head = await headCommit();
      return head !== undefined && graph.isAncestor(sha, head);
    },
    async readOutput(project, stream, path) {
      const file = resolveInside(join(project.dir, "outputs", stream), path);
      const tip = await pendingTip(branchOf(project.id, stream));
      if (tip) return store.readFile(tip, repoPath(file));
      try {
        return statSync(file).isFile() ? readFileSync(file, "utf8") : undefined;
      } catch {
        return undefined;
      }
    },
    observeOutputs,
    async findTaskCommit(project, stream, task, fingerprint) {
      const branch = branchOf(project, stream);
      return taskCommits.find(await tipOf(branch), task, fingerprint);
    },
    commitWorking: (files, message, trailers, opts) => committed((onCommit) => store.commitFiles({ branch: workingBranch, files, message, trailers, ...(opts ?? {}), onCommit })),
    async commitStream(project, stream, files, message, trailers, allowed) {
      assertAllowedPaths(files.map((f) => f.path), allowed);
      // A stream already merged restarts from the working branch (a fast-forward of its ref), so new work builds on
      // what people changed since, not on the stream's old tip.
      const branch = branchOf(project, stream);
      // Refs moved by someone else meanwhile make the compare-and-swaps below fail or retry.
      const [tip, head] = await Promise.all([tipOf(branch), headCommit()]);
      if (tip && head && tip !== head && (await graph.isAncestor(tip, head))) {
        await store.moveBranch(branch, head, tip);
      }
      const r = await committed((onCommit) => store.commitFiles({ branch, base: workingBranch, files, message, trailers, onCommit }), files);
      taskCommits.wrote(r, trailers);
      return r;
    },
    commitBranch: (branch, files, message, trailers) => committed((onCommit) => store.commitFiles({ branch, base: workingBranch, files, message, trailers, onCommit })),
    async close() {
      await store.close();
    },
    mergeStream: (project, stream, message, trailers) => mergeIntoWorking(branchOf(project, stream), message, trailers),
    mergeIntoWorking,
  };
}

