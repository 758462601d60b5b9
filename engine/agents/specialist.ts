// The Specialist: its role's system message, the task with only what it needs (upstream outputs, resources,
// feedback), and a structured reply holding the complete files.
import type { ChatMessage } from "../llm/index.ts";
import type { AgentTool } from "../tools/types.ts";
import { specialistTaskMessage } from "../prompts/specialist-prompt.ts";
import type { Templates } from "../prompts/templates.ts";
import type { Project, SpecialistWorkReply, Task } from "../agency/types.gen.ts";
import { callAgent, type AgentDeps, type AgentReply } from "./call.ts";
import type { UsageTotals } from "../agency/usage.ts";
import { acceptFiles } from "./reply-checks.ts";
import { specialistWorkSchema } from "./reply-schemas.ts";

export interface FileText {
  path: string;
  content: string;
}

export interface SpecialistInput {
  project: Project;
  specialist: string;
  tier: string;
  system: string;
  task: Task;
  upstream: { task: string; title: string; files: FileText[] }[];
  resources: { id: string; kind: string; description: string | null; location: string | null; content: string | null }[];
  /** Human feedback recorded on the task and the Collaborator's feedback from earlier rounds. */
  feedback: { by: string; text: string }[];
  /** The previous round's files, when revising. */
  previous: FileText[];
  usage: UsageTotals;
  /** The role's tools that can run here, and the tool rounds allowed (budgets.maxToolSteps). */
  tools?: { list: AgentTool[]; maxSteps: number };
}

export async function doTask(deps: AgentDeps, templates: Templates, input: SpecialistInput): Promise<AgentReply<SpecialistWorkReply>> {
  // Rendered by the function `ateams plan --show-prompts` prints with (prompts/specialist-prompt.ts).
  const messages: ChatMessage[] = [{ role: "user", content: specialistTaskMessage(templates, input.task, input) }];
  const declared = input.task.outputs.map((o) => o.path);
  return callAgent(deps, {
    project: input.project,
    agent: input.specialist,
    tier: input.tier,
    system: input.system,
    messages,
    reply: "specialist_work",
    // The schema names the task's files; the check holds the same rules (each declared file once, none blank), so the
    // reply is validated with the generic schema, compiled once rather than per task.
    schema: specialistWorkSchema(declared),
    validateWithGeneric: true,
    check: (work: SpecialistWorkReply) => acceptFiles(declared, work).problems,
    usage: input.usage,
    ...(input.tools ? { tools: input.tools } : {}),
  });
}
