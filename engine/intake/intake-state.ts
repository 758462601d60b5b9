// What intake reads and writes while it works through a batch of events (or one command typed in a terminal): each
// project's status.yaml and plan.yaml and the roles' lesson files, as they stand after the events applied so far.
// One event's changes are written in one commit on the working branch; a write that changes nothing makes no
// commit. status.yaml itself is written by its one owner, the project's StatusStore, handed the new status.
// The agency model handed to dispatch and the planner is rebuilt from this state, so the second comment of a batch
// sees what the first one did.
import { schemaRefFor } from "../rewrite/schema-ref.ts";
import { readFileSync } from "node:fs";
import { joinInside } from "../forge/safe-path.ts";
import { join } from "node:path";
import { parse } from "yaml";
import type { FileChange, Trailers } from "../forge/index.ts";
import { StatusStore } from "../run/status-store.ts";
import type { Workspace } from "../run/workspace.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Memory, Plan, Status } from "../agency/types.gen.ts";
import { roleMemoryFile } from "../memory/scope.ts";

export interface StateChanges {
  statuses?: ReadonlyMap<string, Status>;
  /** plan.yaml text by project. */
  plans?: ReadonlyMap<string, string>;
  /** Lesson files by repository path. */
  memory?: ReadonlyMap<string, string | undefined>;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

export class IntakeState {
  readonly #ws: Workspace;
  readonly #base: AgencyModel;
  readonly #stores = new Map<string, StatusStore>();
  /** Projects whose status an event here has changed: the model shows those, the rest as loaded. */
  readonly #changed = new Set<string>();
  readonly #plans = new Map<string, { text: string | undefined; parsed?: Plan }>();
  readonly #memory = new Map<string, string | undefined>();
  #model: AgencyModel | undefined;

  constructor(ws: Workspace, model: AgencyModel) {
    this.#ws = ws;
    this.#base = model;
  }

  get ws(): Workspace {
    return this.#ws;
  }

  #project(id: string): LoadedProject {
    const p = this.#base.projects.get(id);
    if (!p) throw new Error(`no project '${id}' in the agency`);
    return p;
  }

  #store(project: string): StatusStore {
    let store = this.#stores.get(project);
    if (!store) this.#stores.set(project, (store = new StatusStore(this.#ws, this.#project(project))));
    return store;
  }

  /** The project's status as last written (an empty one when it has none yet). */
  status(project: string): Status {
    return this.#store(project).current;
  }

  /** plan.yaml as it stands in the working tree (undefined before the PM has proposed). */
  planText(project: string): string | undefined {
    let plan = this.#plans.get(project);
    if (!plan) this.#plans.set(project, (plan = { text: readText(this.#project(project).planFile) }));
    return plan.text;
  }

  /** Repository path of a role's lessons: agency/memory/roles/<role>.yaml, as the loader reads them. */
  memoryPath(role: string): string {
    // Through the path gate: the role comes from a comment (`/teach @role`).
    return joinInside(this.#ws.repoPath(join(this.#base.dir, "memory")), roleMemoryFile(role));
  }

  /** The `$schema` line of a new memory file at a repository path: the installed package's schemas in a user's repo. */
  memorySchemaRef(path: string): string {
    return schemaRefFor(join(this.#ws.repoRoot, path), this.#ws.repoRoot, "memory");
  }

  memoryText(path: string): string | undefined {
    if (!this.#memory.has(path)) this.#memory.set(path, readText(join(this.#ws.repoRoot, path)));
    return this.#memory.get(path);
  }

  /** The agency as loaded, with the statuses, plans and lessons written since. */
  model(): AgencyModel {
    if (this.#model) return this.#model;
    const base = this.#base;
    const projects = new Map<string, LoadedProject>();
    for (const [id, p] of base.projects) {
      const status = this.#changed.has(id) ? this.#stores.get(id)!.current : undefined;
      const plan = this.#plans.get(id)?.parsed;
      projects.set(id, status || plan ? { ...p, ...(status ? { status } : {}), ...(plan ? { plan } : {}) } : p);
    }
    const memory = new Map(base.memory);
    const memoryDir = `${this.#ws.repoPath(join(base.dir, "memory"))}/`;
    for (const [path, text] of this.#memory) {
      if (text === undefined || !path.startsWith(memoryDir)) continue;
      const entries = (parse(text) as Memory | null)?.entries;
      if (entries) memory.set(path.slice(memoryDir.length), entries);
    }
    return (this.#model = { ...base, projects, memory });
  }

  /** The files other than status.yaml `changes` would write: only those whose content differs from what is there now. */
  #files(changes: StateChanges): FileChange[] {
    const out: FileChange[] = [];
    for (const [id, text] of changes.plans ?? []) {
      if (text !== this.planText(id)) out.push({ path: this.#ws.repoPath(this.#project(id).planFile), content: text });
    }
    for (const [path, text] of changes.memory ?? []) {
      if (text !== undefined && text !== this.memoryText(path)) out.push({ path, content: text });
    }
    return out;
  }

  /**
   * Writes `changes` in one commit on the working branch and takes them as the new state. Resolves to the commit,
   * or undefined when nothing differed (no commit is made).
   */
  async commit(changes: StateChanges, message: string, trailers: Trailers): Promise<string | undefined> {
    const statuses = [...(changes.statuses ?? [])].map(([id, status]) => [this.#store(id), status] as const);
    const result = await StatusStore.commitTogether(this.#ws, statuses, this.#files(changes), message, trailers);
    if (!result) return undefined;
    for (const id of changes.statuses?.keys() ?? []) this.#changed.add(id);
    for (const [id, text] of changes.plans ?? []) this.#plans.set(id, { text, parsed: parse(text) as Plan });
    for (const [path, text] of changes.memory ?? []) if (text !== undefined) this.#memory.set(path, text);
    this.#model = undefined;
    return result.changed ? result.sha : undefined;
  }

  /** After a merge brought other files into the working branch: plan and lessons are read afresh when needed. */
  forgetFiles(): void {
    for (const [id, plan] of this.#plans) if (!plan.parsed) this.#plans.delete(id);
    this.#memory.clear();
    this.#model = undefined;
  }
}
