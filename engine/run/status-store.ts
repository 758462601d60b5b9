// The one writer of each project's status.yaml during a run: updates are serialised per project, written with the
// pure rewriters in status/record.ts, and committed at once so a crash loses nothing.
import type { FileChange, Trailers } from "../forge/index.ts";
import type { LoadedProject } from "../spec/model.ts";
import type { Status } from "../spec/types.gen.ts";
import { emptyStatus } from "../status/record.ts";
import { serializeStatus } from "../status/serialize.ts";
import { schemaRefFor } from "../rewrite/schema-ref.ts";
import type { Workspace } from "./workspace.ts";

export class StatusStore {
  #status: Status;
  #text: string;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #ws: Workspace;
  readonly #file: string;
  readonly #schemaRef: string;

  constructor(ws: Workspace, project: LoadedProject) {
    this.#ws = ws;
    this.#file = ws.repoPath(project.statusFile);
    this.#schemaRef = schemaRefFor(project.statusFile, ws.repoRoot, "status");
    this.#status = project.status ?? emptyStatus(project.id);
    this.#text = project.status ? serializeStatus(project.status, this.#schemaRef) : "";
  }

  get current(): Status {
    return this.#status;
  }

  /**
   * Applies `change`, then commits status.yaml together with `files` in one commit on the working branch.
   * Nothing is written, and no commit made, when neither the status nor the files change anything.
   */
  update(change: (s: Status) => Status, message: string, trailers: Trailers, files: FileChange[] = []): Promise<string | undefined> {
    const run = async () => {
      const next = change(this.#status);
      const text = serializeStatus(next, this.#schemaRef);
      if (text === this.#text && files.length === 0) return undefined;
      const all = text === this.#text ? files : [...files, { path: this.#file, content: text }];
      const result = await this.#ws.commitWorking(all, message, trailers);
      this.#status = next;
      this.#text = text;
      return result.changed ? result.sha : undefined;
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }
}
