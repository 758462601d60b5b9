// A Specialist's record of work (the seed's Discord thread): one Markdown section per finished task.
import type { CollaboratorVerdict, SpecialistWorkReply, Task } from "../agency/types.gen.ts";
import type { MemorySelection } from "../memory/select.ts";

export interface LogRound {
  round: number;
  model: string;
  work: SpecialistWorkReply;
  verdict: CollaboratorVerdict;
}

const bullets = (items: readonly string[]) => items.map((i) => `- ${i}`).join("\n");

export function formatLogEntry(e: { task: Task; specialist: string; model: string; tier: string; rounds: LogRound[]; at: string; human: { by: string; text: string }[]; memory?: MemorySelection }): string {
  const out = [`## ${e.task.id}: ${e.task.title}`, `*[${e.specialist}] ${e.at} · ${e.model} (${e.tier}) · ${e.rounds.length} round(s)*`];
  // What the prompt recalled: a reviewer sees which lessons shaped the work, and which were left out for the budget.
  if (e.memory?.considered) {
    const m = e.memory;
    out.push("", `**Memory recalled** (${m.ranker}: ${m.entries.length} of ${m.considered} entries, ${m.tokens} of ${m.budget} tokens)`);
    if (m.entries.length) out.push(bullets(m.entries.map((x) => `\`${x.id}\` ${x.text.replace(/\s+/g, " ").slice(0, 160)}`)));
  }
  if (e.human.length) out.push("", "**Feedback received**", bullets(e.human.map((h) => `${h.by}: ${h.text}`)));
  for (const r of e.rounds) {
    out.push("", `### Round ${r.round} (${r.model})`, "", "**Thinking**", r.work.summary);
    if (r.work.actions.length) out.push("", "**Actions**", bullets(r.work.actions));
    if (r.work.questions.length) out.push("", "**Questions**", bullets(r.work.questions));
    out.push("", `**Collaborator: ${r.verdict.verdict}**`);
    if (r.verdict.checks.length) out.push(bullets(r.verdict.checks.map((c) => `${c.met ? "✓" : "✗"} ${c.criterion}: ${c.evidence}`)));
    if (r.verdict.feedback.length) out.push("", bullets(r.verdict.feedback));
    if (r.verdict.blocker) out.push("", `Blocked: ${r.verdict.blocker}`);
  }
  return `${out.join("\n")}\n`;
}
