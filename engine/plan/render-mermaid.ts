// The stream/task graph as Mermaid: streams are subgraphs, edges are task dependencies, classes show state.
import type { AgencyModel } from "../agency/model.ts";
import type { ReconcilePlan } from "./types.ts";

const safe = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
const label = (s: string) => s.replace(/"/g, "'");

export function renderMermaid(model: AgencyModel, plan: ReconcilePlan): string {
  const lines = ["flowchart LR"];
  for (const pp of plan.projects) {
    const project = model.projects.get(pp.id)!;
    const streams = project.plan?.streams ?? [];
    const running = new Set(pp.actions.filter((a) => a.kind === "run-task").map((a) => a.task));
    const blocked = new Set(pp.blocked.map((b) => b.task));
    const node = (task: string) => `${safe(pp.id)}__${safe(task)}`;
    lines.push(`  subgraph ${safe(pp.id)}["${label(project.spec.name)} (${pp.stage})"]`);
    if (!streams.length) lines.push(`    ${safe(pp.id)}__plan["plan: ${pp.stage}"]`);
    for (const s of streams) {
      lines.push(`    subgraph ${safe(pp.id)}__s_${safe(s.id)}["${label(s.title)}"]`);
      for (const t of s.tasks) {
        const cls = blocked.has(t.id) ? "blocked" : running.has(t.id) ? "todo" : "done";
        lines.push(`      ${node(t.id)}["${label(t.title)}<br/><small>${t.role}</small>"]:::${cls}`);
      }
      lines.push("    end");
    }
    for (const s of streams) for (const t of s.tasks) for (const d of t.dependsOn ?? []) lines.push(`    ${node(d)} --> ${node(t.id)}`);
    lines.push("  end");
  }
  lines.push("  classDef done fill:#d4f7dc,stroke:#2da44e");
  lines.push("  classDef todo fill:#fff8c5,stroke:#bf8700");
  lines.push("  classDef blocked fill:#ffebe9,stroke:#cf222e");
  return `${lines.join("\n")}\n`;
}
