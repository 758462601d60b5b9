// The Director's commands on the command line, each the twin of a PR comment: `ateams retry alpha draft` is read
// as `/retry draft` written on alpha's issue, `--stream docs` as the same comment on the docs stream's PR. Each
// verb only says which comment it is; director-command.ts sends it down the one command pipeline.
import type { ContextKind } from "../../commands/effect.ts";
import { UsageError } from "../io.ts";

export interface VerbValues {
  stream?: string;
  plan?: boolean;
  assembly?: boolean;
  project?: string;
}

/** The comment a verb stands for, and where it is written. */
export interface CommentTwin {
  project: string | undefined;
  kind: ContextKind;
  stream?: string;
  /** The comment's text: one command line. */
  text: string;
}

export interface Verb {
  name: string;
  summary: string;
  usage: string;
  /** What it does, for --help; the options common to every verb are added after it. */
  details: string;
  /** Which place flags it takes. */
  places: readonly ("stream" | "plan" | "assembly" | "project")[];
  twin(positionals: string[], values: VerbValues): CommentTwin;
}

const rest = (words: string[]) => words.join(" ").trim();

function place(values: VerbValues, allowed: Verb["places"], fallback: ContextKind): { kind: ContextKind; stream?: string } {
  const chosen = [values.stream !== undefined && "--stream", values.plan && "--plan", values.assembly && "--assembly"].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(" and ")} name different places; give one`);
  if (values.stream !== undefined && allowed.includes("stream")) return { kind: "stream-pr", stream: values.stream };
  if (values.plan && allowed.includes("plan")) return { kind: "plan-pr" };
  if (values.assembly && allowed.includes("assembly")) return { kind: "assembly-pr" };
  return { kind: fallback };
}

function needs(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

export const VERBS: readonly Verb[] = [
  {
    name: "approve",
    summary: "approve the plan (or another option), accept a stream (--stream) or the deliverable (--assembly)",
    usage: "ateams approve <project> [option] [--stream <id> | --assembly]",
    details: `Without a place: approves the plan, as /approve on the plan pull request. plan.yaml gets
\`chosen: <option>\` (default: the PM's recommended option) and \`approval: {by, at}\`, keeping
its comments; the AwaitingApproval condition is cleared in the same commit. If the chosen
option is not the one the streams decompose, the next \`ateams run\` has the PM decompose it.
With --stream <id>: accepts a verified stream, as /approve on its pull request: its branch
ateams/<project>/<id> is merged and status.yaml records the acceptance.
With --assembly: merges the assembled deliverable's branch, as /approve on the assembly PR.`,
    places: ["stream", "assembly"],
    twin: ([project, option, ...more], v) => {
      if (more.length) throw new UsageError(`unexpected argument '${more[0]}'`);
      const where = place(v, ["stream", "assembly"], "plan-pr");
      if (option !== undefined && where.kind !== "plan-pr") throw new UsageError(`${where.kind === "stream-pr" ? "--stream" : "--assembly"} takes no plan option`);
      return { project: needs(project, "<project>"), ...where, text: `/approve ${option ?? ""}` };
    },
  },
  {
    name: "retry",
    summary: "run failed work again (a task, a stream's or every failed step of a project), or redo a finished task",
    usage: "ateams retry <project> [task] [--stream <id>]",
    details: `As /retry: clears the failure (the Failed condition, the failed inputs, the attempt count)
of the task, of every failed task of the stream, or of every failed task and the project's
own failed step (planning, assembly), and records when it was asked (retryRequestedAt).
The next \`ateams run\` starts it again with fresh model calls. A finished task named here is
redone (redoRequestedAt joins its fingerprint): the way to give it lessons taught since, which
\`ateams plan\` lists; tasks that read its outputs rerun if those change.`,
    places: ["stream"],
    twin: ([project, ...task], v) => ({ project: needs(project, "<project>"), ...place(v, ["stream"], "issue"), text: `/retry ${rest(task)}` }),
  },
  {
    name: "escalate",
    summary: "rerun a task (or a stream's failed tasks) on the next stronger model tier",
    usage: "ateams escalate <project> [task] [--stream <id>]",
    details: "As /escalate: the task climbs one model tier and its failure is cleared.",
    places: ["stream"],
    twin: ([project, ...task], v) => ({ project: needs(project, "<project>"), ...place(v, ["stream"], "issue"), text: `/escalate ${rest(task)}` }),
  },
  {
    name: "block",
    summary: "stop work on a project (or a stream) until unblock",
    usage: "ateams block <project> <reason> [--stream <id>]",
    details: "As /block: the project (or stream) records a Blocked condition with the reason.",
    places: ["stream"],
    twin: ([project, ...reason], v) => ({ project: needs(project, "<project>"), ...place(v, ["stream"], "issue"), text: `/block ${rest(reason)}` }),
  },
  {
    name: "unblock",
    summary: "resume a blocked or cancelled project (or stream)",
    usage: "ateams unblock <project> [--stream <id>]",
    details: "As /unblock: clears the project's (or the stream's) Blocked condition.",
    places: ["stream"],
    twin: ([project, ...more], v) => {
      if (more.length) throw new UsageError(`unexpected argument '${more[0]}'`);
      return { project: needs(project, "<project>"), ...place(v, ["stream"], "issue"), text: "/unblock" };
    },
  },
  {
    name: "answer",
    summary: "answer the PM's question about a blocked task; the task resumes with it",
    usage: "ateams answer <project> [task] <answer>",
    details: `As /answer: the answer is kept with the question and given to the task as feedback, the
task's failure is cleared and the project unblocked once no question is left open; the next
\`ateams run\` reruns the task with the answer. Name the task when several questions wait.`,
    places: [],
    twin: ([project, ...answer]) => ({ project: needs(project, "<project>"), kind: "issue", text: `/answer ${rest(answer)}` }),
  },
  {
    name: "revise",
    summary: "send work back with feedback: a task, a stream's work, the plan or the deliverable",
    usage: "ateams revise <project> [task] <feedback> [--stream <id> | --plan | --assembly]",
    details: `As /revise: without a place, the task named first gets the feedback; with --stream, the
named task or the stream's last task; with --plan, the PM proposes again; with --assembly,
the named task or else the deliverable is made again.`,
    places: ["stream", "plan", "assembly"],
    twin: ([project, ...feedback], v) => ({ project: needs(project, "<project>"), ...place(v, ["stream", "plan", "assembly"], "issue"), text: `/revise ${rest(feedback)}` }),
  },
  {
    name: "teach",
    summary: "record a lesson for a role; its future work gets it",
    usage: "ateams teach <role> <lesson> [--project <id>]",
    details: `As /teach @role: the lesson is added to agency/memory/roles/<role>.yaml with your name,
the project and the date (a near-duplicate of a lesson already there adds you as its source
instead). Every later task of that role ranks its memory and gets the lessons that bear on it
within memory.tokenBudget (\`ateams plan --show-prompts\` shows which). --project says which
project it was learned on and whose issue the comment twin is written on (default: the first).`,
    places: ["project"],
    twin: ([role, ...lesson], v) => ({ project: v.project, kind: "issue", text: `/teach @${needs(role, "<role>").replace(/^@/, "")} ${rest(lesson)}` }),
  },
  {
    name: "ask",
    summary: "ask a role's Specialist a question; the answer is printed (one model call)",
    usage: "ateams ask <project> <role> <question> [--stream <id>]",
    details: `As /ask @role: one call to the role's Specialist, with the system message its work runs
under. Needs a model endpoint (OPENAI_API_KEY and/or OPENAI_BASE_URL); what it costs is
added to the project's usage.`,
    places: ["stream"],
    twin: ([project, role, ...question], v) => ({
      project: needs(project, "<project>"),
      ...place(v, ["stream"], "issue"),
      text: `/ask @${needs(role, "<role>").replace(/^@/, "")} ${rest(question)}`,
    }),
  },
  {
    name: "cancel",
    summary: "cancel a project's remaining work (unblock resumes it)",
    usage: "ateams cancel <project>",
    details: "As /cancel: the project records Blocked (Cancelled); nothing more runs until unblock.",
    places: [],
    twin: ([project, ...more]) => {
      if (more.length) throw new UsageError(`unexpected argument '${more[0]}'`);
      return { project: needs(project, "<project>"), kind: "issue", text: "/cancel" };
    },
  },
];
