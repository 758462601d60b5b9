// A synthetic agency for benchmarks: P projects × S streams × T tasks, every task with a real role, a chain
// inside each stream and a dependency across streams, so fingerprints propagate the way real plans do.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";

export interface Shape {
  projects: number;
  streams: number;
  tasks: number;
  roles: number;
}

/** The role used by exactly `streams` tasks: task 7 of every stream of project p00. */
export const SPECIAL_ROLE = "special-reviewer";

const role = (id: string) => ({
  id,
  name: `Role ${id}`,
  type: "task",
  summary: `Does the ${id} part of the work with care and evidence.`,
  expertise: ["Structured analysis", "Clear writing", `Domain knowledge of area ${id}`],
  expectations: { input: ["A precise task description", "Upstream outputs"], output: ["A complete Markdown document", "Sources for every claim"] },
  collaboration: "Asks the Collaborator for missing inputs; explains trade-offs in two sentences.",
  adaptability: "Restates changed goals before revising and keeps what still fits.",
  preferredTier: "fast",
});

export function taskId(s: number, k: number): string {
  return `s${s}-t${k}`;
}

/** Two tiers routed by two equally weighted criteria: enough for planning and running benchmarks. */
function benchAgency(name: string, small: string, large: string) {
  return {
    name,
    directors: [{ id: "director", github: "octocat" }],
    models: {
      tiers: [
        { id: "fast", model: small, price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
        { id: "strong", model: large, price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
      ],
      routing: {
        criteria: [
          { id: "reasoning", weight: 0.5 },
          { id: "quality", weight: 0.5 },
        ],
        thresholds: [
          { tier: "fast", minScore: 1 },
          { tier: "strong", minScore: 3.5 },
        ],
      },
    },
  };
}

export async function writeSyntheticAgency(dir: string, shape: Shape): Promise<void> {
  await mkdir(join(dir, "roles"), { recursive: true });
  await writeFile(join(dir, "agency.yaml"), stringify(benchAgency("Bench Agency", "small", "large")));
  const roleIds = Array.from({ length: shape.roles }, (_, i) => `role-${String(i).padStart(2, "0")}`);
  for (const id of [...roleIds, SPECIAL_ROLE]) await writeFile(join(dir, "roles", `${id}.yaml`), stringify(role(id)));
  for (let p = 0; p < shape.projects; p++) {
    const id = `p${String(p).padStart(2, "0")}`;
    const pdir = join(dir, "projects", id);
    await mkdir(pdir, { recursive: true });
    await writeFile(join(pdir, "project.yaml"), stringify({ id, name: `Project ${id}`, objectives: [`Deliver ${id}`], successCriteria: ["Every stream accepted"] }));
    const streams = Array.from({ length: shape.streams }, (_, s) => ({
      id: `stream-${s}`,
      title: `Stream ${s}`,
      goal: `Produce part ${s} of ${id}.`,
      successCriteria: ["All tasks pass their criteria"],
      tasks: Array.from({ length: shape.tasks }, (_, k) => {
        const deps = k > 0 ? [taskId(s, k - 1)] : [];
        if (s > 0 && k === 5) deps.push(taskId(s - 1, 2));
        return {
          id: taskId(s, k),
          title: `Task ${k} of stream ${s}`,
          role: p === 0 && k === 7 ? SPECIAL_ROLE : roleIds[(p + s + k) % roleIds.length]!,
          description: `Write section ${k} of part ${s}, building on the previous section.`,
          ...(deps.length ? { dependsOn: deps } : {}),
          outputs: [{ path: `section-${k}.md` }],
          criteria: ["Complete", "Consistent with upstream sections"],
          scores: { reasoning: 1 + ((s + k) % 5), quality: 1 + ((p + k) % 5) },
        };
      }),
    }));
    await writeFile(
      join(pdir, "plan.yaml"),
      stringify({
        project: id,
        options: [{ id: "option-1", title: "Only", approach: "Sequential sections.", pros: ["simple"], cons: ["slow"], estimate: { costUsd: 1 } }],
        recommended: "option-1",
        chosen: "option-1",
        basedOn: "option-1",
        streams,
      }),
    );
  }
}

/** Tasks reachable downstream from `seeds` (seeds included), computed from the generator's own rules. */
export function downstreamOf(shape: Shape, seeds: string[]): Set<string> {
  const children = new Map<string, string[]>();
  for (let s = 0; s < shape.streams; s++) {
    for (let k = 0; k < shape.tasks; k++) {
      const deps = k > 0 ? [taskId(s, k - 1)] : [];
      if (s > 0 && k === 5) deps.push(taskId(s - 1, 2));
      for (const d of deps) children.set(d, [...(children.get(d) ?? []), taskId(s, k)]);
    }
  }
  const out = new Set<string>();
  const stack = [...seeds];
  while (stack.length) {
    const t = stack.pop()!;
    if (out.has(t)) continue;
    out.add(t);
    stack.push(...(children.get(t) ?? []));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Small agencies for `ateams run` benchmarks against the fake OpenAI server: plans already chosen and decomposed (no
// PM planning calls), every task routed to the fast tier, so wall time and call counts are the engine's alone.

export interface BenchTask {
  id: string;
  stream: string;
  role: string;
  dependsOn: string[];
}

/** The role used by exactly two mid-DAG tasks of the `dag` project: the one the edit benchmark changes. */
export const DAG_EDITED_ROLE = "dag-editor";
export const DAG_SHAPE = { streams: 5, depth: 6 } as const;

/**
 * `dag`: 5 streams × 6 tasks. Task k of stream s needs task k-1 of its own stream and of the next stream, so every
 * level is 5 tasks wide, the critical path is 6 tasks long, and streams depend on each other throughout.
 */
export function dagTasks(): BenchTask[] {
  const { streams, depth } = DAG_SHAPE;
  const id = (s: number, k: number) => `d${s}-${k}`;
  const out: BenchTask[] = [];
  for (let s = 0; s < streams; s++) {
    for (let k = 0; k < depth; k++) {
      const dependsOn = k === 0 ? [] : [id(s, k - 1), id((s + 1) % streams, k - 1)];
      const role = k === 3 && (s === 1 || s === 3) ? DAG_EDITED_ROLE : `bench-role-${(s + k) % 4}`;
      out.push({ id: id(s, k), stream: `lane-${s}`, role, dependsOn });
    }
  }
  return out;
}

/** `chain`: one stream of `length` tasks, each reading the one before. */
export function chainTasks(length: number): BenchTask[] {
  return Array.from({ length }, (_, k) => ({ id: `c${String(k).padStart(2, "0")}`, stream: "chain", role: "bench-role-0", dependsOn: k ? [`c${String(k - 1).padStart(2, "0")}`] : [] }));
}

/** Tasks whose inputs an edit to `seeds` changes: the seeds and everything downstream of them. */
export function closureOf(tasks: BenchTask[], seeds: string[]): Set<string> {
  const out = new Set(seeds);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of tasks) {
      if (out.has(t.id) || !t.dependsOn.some((d) => out.has(d))) continue;
      out.add(t.id);
      grew = true;
    }
  }
  return out;
}

export async function writeRunBenchAgency(dir: string, projects: Record<string, BenchTask[]>): Promise<void> {
  await mkdir(join(dir, "roles"), { recursive: true });
  await writeFile(join(dir, "agency.yaml"), stringify(benchAgency("Run Bench Agency", "bench-small", "bench-large")));
  const roles = new Set(Object.values(projects).flatMap((ts) => ts.map((t) => t.role)));
  for (const id of roles) await writeFile(join(dir, "roles", `${id}.yaml`), stringify(role(id)));
  for (const [id, tasks] of Object.entries(projects)) {
    const pdir = join(dir, "projects", id);
    await mkdir(pdir, { recursive: true });
    await writeFile(join(pdir, "project.yaml"), stringify({ id, name: `Project ${id}`, oversight: "autonomous", objectives: [`Deliver ${id}`], successCriteria: ["Every stream accepted"] }));
    const streamIds = [...new Set(tasks.map((t) => t.stream))];
    const streams = streamIds.map((s) => ({
      id: s,
      title: `Stream ${s}`,
      goal: `Produce the ${s} part of ${id}.`,
      successCriteria: ["All tasks pass their criteria"],
      tasks: tasks
        .filter((t) => t.stream === s)
        .map((t) => ({
          id: t.id,
          title: `Task ${t.id}`,
          role: t.role,
          description: `Write section ${t.id}, building on its inputs.`,
          ...(t.dependsOn.length ? { dependsOn: t.dependsOn } : {}),
          outputs: [{ path: `${t.id}.md` }],
          criteria: ["Complete", "Consistent with its inputs"],
          scores: { reasoning: 1, quality: 2 },
        })),
    }));
    await writeFile(
      join(pdir, "plan.yaml"),
      stringify({
        project: id,
        options: [{ id: "option-1", title: "Only", approach: "As planned.", pros: ["simple"], cons: ["none"], estimate: { costUsd: 1 } }],
        recommended: "option-1",
        chosen: "option-1",
        basedOn: "option-1",
        streams,
      }),
    );
  }
}
