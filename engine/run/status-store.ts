// The one writer of each project's status.yaml: the reconcile loop, intake of people's commands (from PR comments and
// from the terminal alike) and the record of pull requests all hand it their updates. An update is applied in memory; status.yaml is written
// to the working tree when the next plan is about to read it (persist) and before each commit, so updates arriving
// together cost one write, not one each. Then it is committed: updates that queue up while a commit is in flight go
// into the next commit together, so parallel streams finishing at the same moment cost one commit, not one each.
// Stream work is already committed on its branch before its status is recorded, so a run killed between the two
// loses nothing: the next run adopts that commit by its trailers (and a lost verdict is asked again, from the
// response cache).
import { analysisFile } from "../memory/scope.ts";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CommitResult, FileChange, Trailers } from "../forge/index.ts";
import type { LoadedProject } from "../agency/model.ts";
import type { Status } from "../agency/types.gen.ts";
import { appendRecords, metricsFile, type MetricsRecord } from "../metrics/records.ts";
import { emptyStatus } from "../status/record.ts";
import { serializeStatus } from "../status/serialize.ts";
import { schemaRefFor } from "../rewrite/schema-ref.ts";
import type { Workspace } from "./workspace.ts";
import { assertLoadable, statusProblems, UnloadableSpecError } from "./spec-guard.ts";
import { assertAllowedPaths, type AllowedPaths } from "../forge/safe-path.ts";
import { redact } from "../secrets/redact.ts";
import { formatTrailers } from "../agency/commit-trailers.ts";

interface Pending {
  message: string;
  trailers: Trailers;
  /** Files other than status.yaml, by path; later content wins. */
  files: Map<string, FileChange>;
  /** The status as of the last update joined into this commit, when any changed it. */
  status: Status | undefined;
}

const GATHER_MS = 100;

export class StatusStore {
  #status: Status;
  /** #status as JSON: an update that leaves it equal changes nothing. */
  #json: string;
  /** What status.yaml holds in the working tree ("" when there is none). */
  #written: string;
  /** Updated since status.yaml was last written: a project nothing happened to gets no file. */
  #dirty = false;
  #pending: Pending | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #error: unknown;
  #hurry = false;
  #wake: (() => void) | undefined;
  readonly #ws: Workspace;
  readonly #file: string;
  readonly #allowed: AllowedPaths;
  /** The project's metrics file (metrics/records.ts), repository-relative. */
  readonly #metricsFile: string;
  readonly #schemaRef: string;
  readonly #journalFile: string;
  readonly #journal = new Set<string>();
  /** What the journal file says now ("" when there is none). */
  #journalled: string | undefined;

  constructor(ws: Workspace, project: LoadedProject) {
    this.#ws = ws;
    this.#journalFile = join(ws.repoRoot, ".ateams", "pending", `${project.id}.json`);
    this.#file = ws.repoPath(project.statusFile);
    // What this store may write: its project's folder (plan, status, deliverable), the agency's roles (a role the
    // PM defines with its plan) and the memory of project analyses (the L&P Manager's takeaway). Anything else is
    // refused before it is written.
    this.#metricsFile = ws.repoPath(metricsFile(project.dir));
    const agencyDir = dirname(dirname(project.dir));
    this.#allowed = { folders: [ws.repoPath(project.dir), ws.repoPath(join(agencyDir, "roles"))], files: [ws.repoPath(join(agencyDir, "memory", analysisFile(project.id)))] };
    this.#schemaRef = schemaRefFor(project.statusFile, ws.repoRoot, "status");
    this.#status = project.status ?? emptyStatus(project.id);
    this.#json = JSON.stringify(this.#status);
    this.#written = project.status ? serializeStatus(project.status, this.#schemaRef) : "";
  }

  get current(): Status {
    return this.#status;
  }

  /** The first commit that failed, if any: the run stops on it (the working tree still has the state). */
  get error(): unknown {
    return this.#error;
  }

  /**
   * A status.yaml that differs from HEAD's (a run killed after writing it, before committing) is committed now,
   * so what the working tree says is also what git says.
   */
  async adoptUncommitted(project: string): Promise<void> {
    // status.yaml, and every other file the engine wrote but had not committed yet (journalled in .ateams/).
    const paths = new Set([this.#file, ...readJournal(this.#journalFile)]);
    const files: FileChange[] = [];
    for (const path of paths) {
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(join(this.#ws.repoRoot, path), "utf8");
      } catch {
        continue;
      }
      if (onDisk !== (await this.#ws.store.readFile("HEAD", path))) files.push({ path, content: onDisk });
    }
    for (const f of files) this.#journal.add(f.path);
    if (files.length) this.#enqueue(`ateams: ${project} files written before an interrupted run`, formatTrailers({ project, kind: "status" }), files, undefined);
    else this.#saveJournal();
  }

  /**
   * Applies `change` and records `files` with it. Resolves once the working tree has the files, and status.yaml too
   * when there are files (else it follows at the next persist); the commit follows (see flush). Nothing is written,
   * and no commit made, when neither the status nor the files change anything.
   */
  async update(change: (s: Status) => Status, message: string, trailers: Trailers, files: FileChange[] = []): Promise<void> {
    // Redacted here, so the working tree holds exactly what the commit will (the writer redacts again, to no effect).
    files = files.map((f) => (typeof f.content === "string" ? { ...f, content: redact(f.content) } : f));
    const next = change(this.#status);
    const json = JSON.stringify(next);
    const changed = json !== this.#json;
    if (!changed && files.length === 0) return;
    // Refused before anything is written (journal, working tree, commit): a status or spec file the loader would
    // reject would make every later command fail.
    if (changed) {
      const problems = statusProblems(next, serializeStatus(next, this.#schemaRef), this.#file);
      if (problems.length) throw new UnloadableSpecError(this.#file, problems);
    }
    assertAllowedPaths(files.map((f) => f.path), this.#allowed);
    assertLoadable(files);
    // Journal first: a run killed before the commit leaves a list of what to commit next time.
    for (const f of files) this.#journal.add(f.path);
    this.#saveJournal();
    for (const f of files) writeAtomically(join(this.#ws.repoRoot, f.path), f.content);
    if (changed) {
      this.#status = next;
      this.#json = json;
      this.#dirty = true;
    }
    // Files travel with their status (a plan with its condition, a deliverable with its record): both on disk now.
    if (files.length) this.persist();
    this.#enqueue(message, trailers, files, changed ? next : undefined);
  }

  /**
   * Appends records to the project's metrics file, committed with the status commits around them. Read and written
   * in one synchronous step (update writes before its first await), so appends from actions ending together all stay.
   */
  appendMetrics(records: readonly MetricsRecord[], message: string, trailers: Trailers): Promise<void> {
    if (!records.length) return Promise.resolve();
    let existing: string | undefined;
    try {
      existing = readFileSync(join(this.#ws.repoRoot, this.#metricsFile), "utf8");
    } catch {
      existing = undefined; // the project's first records
    }
    return this.update((s) => s, message, trailers, [{ path: this.#metricsFile, content: appendRecords(existing, records) }]);
  }

  /** Writes status.yaml as it stands now, if an update changed it since the last write: before a plan reads it. */
  persist(): void {
    if (!this.#dirty) return;
    const text = serializeStatus(this.#status, this.#schemaRef);
    if (text !== this.#written) writeAtomically(join(this.#ws.repoRoot, this.#file), text);
    this.#written = text;
    this.#dirty = false;
  }

  /**
   * Persists the pending paths other than status.yaml (always checked by adoptUncommitted), and only when they
   * changed: most updates touch status.yaml alone and then cost no journal write.
   */
  #saveJournal(): void {
    const others = [...this.#journal].filter((p) => p !== this.#file).sort();
    const text = others.length ? JSON.stringify(others) : "";
    if (text === this.#journalled) return;
    writeJournal(this.#journalFile, others);
    this.#journalled = text;
  }

  #enqueue(message: string, trailers: Trailers, files: FileChange[], status: Status | undefined): void {
    if (this.#pending) {
      // Joined into the commit already waiting: later content for a path wins; subjects are listed in the body.
      this.#pending.message += `\n- ${message.split("\n")[0]}`;
      for (const f of files) this.#pending.files.set(f.path, f);
      if (status) this.#pending.status = status;
      return;
    }
    this.#pending = { message, trailers, files: new Map(files.map((f) => [f.path, f])), status };
    // A short gather window: updates that arrive together (parallel streams finishing) share one commit. The next
    // plan gets them anyway (persist writes status.yaml first), and stream work is committed on its branch, so
    // nothing waits on this. Measured without it (`npm run bench -- latency`): 1.023–1.028 of the bound at realistic
    // latency against 1.020–1.023, and 52 ms of engine time per task at 0 ms against 38: kept.
    this.#flushing = this.#flushing.then(() => this.#gather()).then(() => this.#commitPending());
  }

  /** The gather window; cut short once someone waits for the commit (flush), since nothing more is coming. */
  #gather(): Promise<void> {
    if (this.#hurry) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, GATHER_MS);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #commitPending(): Promise<void> {
    const p = this.#pending;
    this.#pending = undefined;
    if (!p || this.#error) return;
    const joined = p.message.includes("\n- ") ? p.message.replace(/\n- /, "\n\nAlso recorded:\n- ") : p.message;
    try {
      // The working tree gets status.yaml as it stands now, possibly newer than this commit's, as the other files
      // may be: only the index is updated.
      if (p.status) {
        this.persist();
        p.files.set(this.#file, { path: this.#file, content: p.status === this.#status ? this.#written : serializeStatus(p.status, this.#schemaRef) });
      }
      await this.#ws.commitWorking([...p.files.values()], joined, p.trailers, { writeWorktree: false });
      // Committed: off the journal, unless the working tree has a newer version already (the next commit's).
      for (const f of p.files.values()) {
        let onDisk: string | undefined;
        try {
          onDisk = readFileSync(join(this.#ws.repoRoot, f.path), "utf8");
        } catch {
          onDisk = undefined;
        }
        if (f.content === null ? onDisk === undefined : onDisk === f.content) this.#journal.delete(f.path);
      }
      this.#saveJournal();
    } catch (e) {
      this.#error ??= e;
    }
  }

  /**
   * Several projects' new statuses and other files (plan.yaml, lessons) in one commit made now, as intake records
   * one event: undefined, and no commit, when nothing differs. Each store takes its status once it is committed.
   * Only for stores with nothing queued (intake's own), so no status is written twice.
   */
  static async commitTogether(ws: Workspace, statuses: ReadonlyArray<readonly [StatusStore, Status]>, files: readonly FileChange[], message: string, trailers: Trailers): Promise<CommitResult | undefined> {
    const changes = statuses.flatMap(([store, next]) => {
      if (store.#pending) throw new Error(`status of ${store.#file} has a commit queued; flush it first`);
      const json = JSON.stringify(next);
      return json === store.#json ? [] : [{ store, next, json, text: serializeStatus(next, store.#schemaRef) }];
    });
    const all = [...files, ...changes.filter((c) => c.text !== c.store.#written).map((c) => ({ path: c.store.#file, content: c.text }))];
    if (!all.length) return undefined;
    // Statuses and plans rewritten from comments are checked as the loader checks them, before the commit.
    assertLoadable(all);
    const result = await ws.commitWorking(all, message, trailers);
    for (const c of changes) {
      c.store.#status = c.next;
      c.store.#json = c.json;
      c.store.#written = c.text;
    }
    return result;
  }

  /** Waits for every queued commit; rejects with the first commit error. */
  async flush(): Promise<void> {
    this.persist();
    this.#hurry = true;
    this.#wake?.();
    try {
      await this.#flushing;
      if (this.#pending) {
        this.#flushing = this.#flushing.then(() => this.#commitPending());
        await this.#flushing;
      }
    } finally {
      this.#hurry = false;
      this.#wake = undefined;
    }
    if (this.#error) throw this.#error;
  }
}

/** Write-then-rename: the next plan must never read half a file (null: the file is deleted). */
function writeAtomically(abs: string, content: FileChange["content"]): void {
  mkdirSync(dirname(abs), { recursive: true });
  if (content === null) return;
  const tmp = join(dirname(abs), `.${basename(abs)}.ateams-${process.pid}`);
  writeFileSync(tmp, content);
  renameSync(tmp, abs);
}

function readJournal(file: string): string[] {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

function writeJournal(file: string, paths: readonly string[]): void {
  if (!paths.length) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify([...paths]));
  renameSync(`${file}.tmp`, file);
}
