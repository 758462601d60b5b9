// /ask @role <question>: one call to the role's Specialist with the system message its work runs under (role,
// project, stream, and what memory recalls for the question), and the question. The answer is a small strict reply.
import { callAgent, type AgentDeps } from "../agents/call.ts";
import { emptyUsage, type UsageTotals } from "../agency/usage.ts";
import { routeTask } from "../plan/route.ts";
import type { Templates } from "../prompts/templates.ts";
import { specialistIdOf, specialistView } from "../prompts/views.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Stream, Task } from "../agency/types.gen.ts";
import { canRun } from "../tools/registry.ts";
import { recallForTask } from "../memory/recall.ts";
import { lexicalRanker } from "../memory/ranker.ts";

export interface Question {
  project: string;
  role: string;
  /** Already sanitized (commands/parse.ts): no hidden text reaches the model. */
  question: string;
  /** Who asked (GitHub login). */
  by: string;
  /** The stream of the PR it was asked on, which decides the context the Specialist answers in. */
  stream?: string;
}

export interface Answer {
  answer: string;
  model: string;
  usage: UsageTotals;
}

export async function askSpecialist(deps: AgentDeps, templates: Templates, model: AgencyModel, q: Question): Promise<Answer> {
  const project = model.projects.get(q.project)!;
  const role = model.roles.get(q.role)!.spec;
  const { stream, task } = workOf(project, q.role, q.stream);
  // Recalled for the question as well as the work: the question names what the person wants to know.
  const memory = await recallForTask(deps.memory ?? lexicalRanker, model, stream, task, q.question);
  const system = templates.render("specialist.system", specialistView(model, project, stream, task, canRun, memory));
  const tier = routeTask(model.spec, task, role).tier;
  const usage = emptyUsage();
  const reply = await callAgent(deps, {
    project: project.spec,
    agent: specialistIdOf(task),
    tier,
    system,
    messages: [
      {
        role: "user",
        content: [
          `@${q.by}, who directs this agency, asks you a question on GitHub. This is a question, not a work request: write no files.`,
          "Answer it directly from your role's expertise and what you know of this project and stream; say plainly what you do not know.",
          "Reply with the JSON object the response format asks for, the answer in GitHub-flavoured Markdown.",
          "",
          "Question:",
          q.question,
        ].join("\n"),
      },
    ],
    reply: "answer",
    usage,
  });
  return { answer: reply.value.answer.trim(), model: reply.model, usage };
}

/**
 * The work the Specialist answers from: its task in the PR's stream, else its first task in the project. A role
 * with no task in the project (or a project not planned yet) answers from the project's objectives alone.
 */
function workOf(project: LoadedProject, role: string, streamId: string | undefined): { stream: Stream; task: Task } {
  const streams = project.plan?.streams ?? [];
  const ordered = [...streams.filter((s) => s.id === streamId), ...streams.filter((s) => s.id !== streamId)];
  for (const stream of ordered) {
    const task = stream.tasks.find((t) => t.role === role);
    if (task) return { stream, task };
  }
  // Only the role, project and stream reach the system message; the task's other fields do not.
  const task: Task = { id: role, title: "Questions", role, description: "Answer the Director's questions.", outputs: [{ path: "answer.md" }], criteria: ["Answers the question"] };
  const stream: Stream = { id: "questions", title: "Questions", goal: project.spec.objectives.join("; "), successCriteria: project.spec.successCriteria, tasks: [task] };
  return { stream, task };
}
