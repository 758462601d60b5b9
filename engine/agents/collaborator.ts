// The Collaborator: verifies a task's files, or a whole stream, against their criteria with a structured verdict.
import type { Templates } from "../prompts/templates.ts";
import type { CollaboratorVerdict, Project, Stream, Task } from "../agency/types.gen.ts";
import { callAgent, type AgentDeps, type AgentReply } from "./call.ts";
import type { UsageTotals } from "../agency/usage.ts";
import type { FileText } from "./specialist.ts";

export interface VerifyTaskInput {
  project: Project;
  tier: string;
  system: string;
  specialist: string;
  task: Task;
  files: FileText[];
  questions: string[];
  round: number;
  maxRounds: number;
  usage: UsageTotals;
}

export async function verifyTask(deps: AgentDeps, templates: Templates, input: VerifyTaskInput): Promise<AgentReply<CollaboratorVerdict>> {
  const user = templates.render("collaborator.verify-task", {
    specialist: input.specialist,
    task: input.task,
    files: input.files,
    questions: input.questions,
    round: input.round,
    maxRounds: input.maxRounds,
    lastRound: input.round >= input.maxRounds,
  });
  return askForVerdict(deps, input, user);
}

export interface VerifyStreamInput {
  project: Project;
  tier: string;
  system: string;
  stream: Stream;
  tasks: { id: string; title: string; specialist: string; files: FileText[] }[];
  usage: UsageTotals;
}

export async function verifyStream(deps: AgentDeps, templates: Templates, input: VerifyStreamInput): Promise<AgentReply<CollaboratorVerdict>> {
  const user = templates.render("collaborator.verify-stream", {
    stream: input.stream,
    tasks: input.tasks,
    firstTask: input.tasks[0]?.id ?? "task-id",
  });
  return askForVerdict(deps, input, user);
}

/** Both checks are one question to the Collaborator with one kind of answer: a verdict. */
function askForVerdict(deps: AgentDeps, input: { project: Project; tier: string; system: string; usage: UsageTotals }, user: string): Promise<AgentReply<CollaboratorVerdict>> {
  return callAgent(deps, {
    project: input.project,
    agent: "collaborator",
    tier: input.tier,
    system: input.system,
    messages: [{ role: "user", content: user }],
    reply: "collaborator_verdict",
    usage: input.usage,
  });
}

/** Stream feedback items look like `task-id: what to change`; anything else applies to no task in particular. */
export function feedbackByTask(feedback: readonly string[], taskIds: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of feedback) {
    const m = /^\s*`?([a-z][a-z0-9-]*)`?\s*:\s*(.+)$/s.exec(item);
    const id = m && taskIds.includes(m[1]!) ? m[1]! : undefined;
    if (id) out.set(id, [...(out.get(id) ?? []), m![2]!.trim()]);
  }
  return out;
}
