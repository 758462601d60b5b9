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

export async function writeSyntheticAgency(dir: string, shape: Shape): Promise<void> {
  await mkdir(join(dir, "roles"), { recursive: true });
  await writeFile(
    join(dir, "agency.yaml"),
    stringify({
      name: "Bench Agency",
      directors: [{ id: "director", github: "octocat" }],
      models: {
        tiers: [
          { id: "fast", model: "small", price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
          { id: "strong", model: "large", price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
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
    }),
  );
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
