// Spend limits per run and per project. Checked before every model call (repairs and tool rounds included, see
// agents/call.ts), so a run stops cleanly at the limit.
import type { Agency, Project, Usage } from "../agency/types.gen.ts";
import type { Spend } from "../agency/usage.ts";

export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  readonly scope: "run" | "project";
  constructor(scope: "run" | "project", message: string) {
    super(message);
    this.scope = scope;
  }
}

export type { Spend };

export class Budget {
  readonly #agency: Agency;
  #run: Spend = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  readonly #projects = new Map<string, Spend>();

  constructor(agency: Agency) {
    this.#agency = agency;
  }

  /** Seeds a project's spend from its recorded usage, so per-project limits hold across runs. */
  seed(project: string, usage: Usage | undefined): void {
    if (!this.#projects.has(project)) {
      this.#projects.set(project, { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0, costUsd: usage?.costUsd ?? 0 });
    }
  }

  record(project: string, spend: Spend): void {
    add(this.#run, spend);
    const p = this.#projects.get(project) ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    add(p, spend);
    this.#projects.set(project, p);
  }

  get run(): Spend {
    return { ...this.#run };
  }

  /** Throws BudgetExceededError when the run's or the project's limit is already reached. */
  check(project: Project): void {
    const run = this.#agency.budgets?.perRun;
    if (run && over(this.#run, run)) throw new BudgetExceededError("run", `run budget reached (${describe(this.#run, run)})`);
    const limit = project.budget ?? this.#agency.budgets?.perProject;
    const spent = this.#projects.get(project.id);
    if (limit && spent && over(spent, limit)) throw new BudgetExceededError("project", `project budget reached (${describe(spent, limit)})`);
  }
}

function add(a: Spend, b: Spend): void {
  a.inputTokens += countable(b.inputTokens);
  a.outputTokens += countable(b.outputTokens);
  a.costUsd += countable(b.costUsd);
}

/**
 * Counts reach here already held to what the text could cost (llm/usage-estimate.ts); this is the last guard, for
 * any other model: a negative or non-finite spend would lift the limit (or make it NaN, which no check exceeds).
 */
function countable(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function over(s: Spend, limit: { maxTokens?: number; maxCostUsd?: number }): boolean {
  return (limit.maxTokens !== undefined && s.inputTokens + s.outputTokens >= limit.maxTokens) || (limit.maxCostUsd !== undefined && s.costUsd >= limit.maxCostUsd);
}

function describe(s: Spend, limit: { maxTokens?: number; maxCostUsd?: number }): string {
  const parts = [];
  if (limit.maxCostUsd !== undefined) parts.push(`$${s.costUsd.toFixed(4)} of $${limit.maxCostUsd}`);
  if (limit.maxTokens !== undefined) parts.push(`${s.inputTokens + s.outputTokens} of ${limit.maxTokens} tokens`);
  return parts.join(", ");
}
