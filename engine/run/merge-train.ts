// Streams accepted together are merged together: merge requests made in the same moment (the scheduler starts every
// ready merge at once) ride one `mergeBranches` call, so the working tree is checked, synced and its ref moved once
// for all of them instead of once each. Each caller still gets its own merge commit and result.
import type { MergeResult } from "../forge/index.ts";
import type { Trailers } from "../forge/index.ts";

export interface MergeRequest {
  source: string;
  message: string;
  trailers?: Trailers;
}

export type MergeMany = (requests: MergeRequest[]) => Promise<MergeResult[]>;

interface Waiting {
  request: MergeRequest;
  resolve(r: MergeResult): void;
  reject(e: unknown): void;
}

export class MergeTrain {
  readonly #merge: MergeMany;
  #boarding: Waiting[] = [];
  #running: Promise<void> = Promise.resolve();

  constructor(merge: MergeMany) {
    this.#merge = merge;
  }

  merge(request: MergeRequest): Promise<MergeResult> {
    return new Promise<MergeResult>((resolve, reject) => {
      this.#boarding.push({ request, resolve, reject });
      // The first request of a train schedules its departure after the current turn, so requests made in the same
      // turn board it; later ones wait for the next train (one merge at a time on the branch anyway).
      if (this.#boarding.length === 1) {
        this.#running = this.#running.then(() => new Promise<void>((r) => setImmediate(r))).then(() => this.#depart());
      }
    });
  }

  async #depart(): Promise<void> {
    const riders = this.#boarding;
    this.#boarding = [];
    if (!riders.length) return;
    try {
      const results = await this.#merge(riders.map((w) => w.request));
      riders.forEach((w, i) => w.resolve(results[i]!));
    } catch (e) {
      for (const w of riders) w.reject(e);
    }
  }
}
