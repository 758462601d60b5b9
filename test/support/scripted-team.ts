// A deterministic stand-in for real models behind the fake OpenAI server: it reads each request the way a model
// would (the response_format names the reply; the user message names the files and tasks) and answers with a
// valid, plausible reply. Knobs let a test make the Collaborator send work back, or inject faults.
import { createHash } from "node:crypto";
import type { FakeChatRequest, FakeReply } from "./fake-openai-replies.ts";

export interface TeamScript {
  /** Tasks whose first version the Collaborator sends back for revision (once each). */
  reviseOnce?: Iterable<string>;
  /** Decomposition the PM returns; default: a two-stream plan built from `roles`. */
  decomposition?: (req: FakeChatRequest) => unknown;
  /** Roles the default decomposition uses (must exist in the agency). */
  roles?: [string, string];
  /**
   * Make each file depend on everything the Specialist was sent (a digest of the request), as a real model's would:
   * a changed role, upstream file or feedback changes the output, so an edit's effect travels downstream.
   */
  inputSensitive?: boolean;
  /**
   * The Collaborator's blocker for a task, given what the Specialist was sent (undefined: no blocker). The verdict
   * is `blocked` while this returns a blocker.
   */
  blocker?: (task: string, taskMessage: string) => string | undefined;
  /** The PM's resolution of a blocker; default: ask the Director one question. */
  pmBlocker?: (user: string) => unknown;
  /** The L&P Manager's review; default: scores every role and turns each role's Collaborator feedback into a lesson. */
  learning?: (user: string) => unknown;
  /** Called first; a reply returned here wins (faults, counting, latency). */
  before?: (req: FakeChatRequest, kind: string) => FakeReply | undefined;
}

export interface TeamLog {
  /** Every request by reply kind, e.g. specialist_work → ["market-scan", …]. */
  calls: { kind: string; task: string | undefined }[];
}

const text = (m: { content?: unknown } | undefined) => (typeof m?.content === "string" ? m.content : "");

export function taskIdOf(req: FakeChatRequest): string | undefined {
  const user = req.messages.filter((m) => m.role === "user").map(text).join("\n");
  return /^# Task ([a-z0-9-]+):/m.exec(user)?.[1] ?? /on task ([a-z0-9-]+) \(/.exec(user)?.[1];
}

export function scriptedTeam(script: TeamScript = {}): { handler: (req: FakeChatRequest) => FakeReply; log: TeamLog } {
  const log: TeamLog = { calls: [] };
  const pending = new Set(script.reviseOnce ?? []);
  const [roleA, roleB] = script.roles ?? ["researcher", "writer"];
  const handler = (req: FakeChatRequest): FakeReply => {
    const kind = req.response_format?.json_schema?.name ?? "text";
    const task = taskIdOf(req);
    log.calls.push({ kind, task });
    const early = script.before?.(req, kind);
    if (early) return early;
    const user = req.messages.filter((m) => m.role === "user").map(text).join("\n");
    switch (kind) {
      case "pm_options":
        return {
          json: {
            summary: "The objective asks for a short, well-sourced study and a recommendation.",
            options: [
              { id: "option-1", title: "Desk study", approach: "Research then write.", pros: ["cheap"], cons: ["no interviews"], estimate: { costUsd: 0.2, tokens: 40000, tasks: 3 } },
              { id: "option-2", title: "Deep study", approach: "Research, analyse, write, edit.", pros: ["thorough"], cons: ["slower"], estimate: { costUsd: 0.5, tokens: 90000, tasks: 4 } },
            ],
            recommended: "option-1",
            rationale: "It meets the success criteria at the lowest cost.",
          },
        };
      case "pm_decomposition":
        return {
          json: script.decomposition?.(req) ?? {
            newRoles: [],
            streams: [
              {
                id: "research",
                title: "Research",
                goal: "Collect the facts the recommendation rests on.",
                successCriteria: ["Every figure has a source"],
                tasks: [
                  { id: "scan", title: "Market scan", role: roleA, description: "Scan the market.", dependsOn: [], inputs: [], outputs: [{ path: "scan.md", description: "Findings" }], criteria: ["Three sources"], tier: null, scores: [{ criterion: "reasoning", score: 2 }] },
                  { id: "compare", title: "Compare", role: roleA, description: "Compare the options found.", dependsOn: ["scan"], inputs: [], outputs: [{ path: "compare.md", description: "Comparison" }], criteria: ["A table"], tier: null, scores: [] },
                ],
              },
              {
                id: "report",
                title: "Report",
                goal: "Write the recommendation.",
                successCriteria: ["Readable by the Director"],
                tasks: [{ id: "write-up", title: "Write-up", role: roleB, description: "Write the recommendation.", dependsOn: ["compare"], inputs: [], outputs: [{ path: "recommendation.md", description: "The recommendation" }], criteria: ["Under 800 words"], tier: null, scores: [{ criterion: "quality", score: 4 }] }],
              },
            ],
          },
        };
      case "specialist_work": {
        const files = [...user.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!);
        const round = /## Your previous version/.test(user) ? 2 : 1;
        const from = script.inputSensitive ? `from inputs ${createHash("sha256").update(JSON.stringify(req.messages)).digest("hex").slice(0, 12)}` : `version ${round}`;
        return {
          json: {
            files: files.map((path) => ({ path, content: `# ${path}\n\nWork for ${task} (${from}).\n\nSource: https://example.com/${task}\n` })),
            summary: `Did ${task}${round > 1 ? " again, addressing the feedback" : ""}.`,
            actions: ["Read the inputs", "Wrote the files"],
            questions: [],
          },
        };
      }
      case "collaborator_verdict": {
        const blocker = task ? script.blocker?.(task, user) : undefined;
        if (blocker) return { json: { verdict: "blocked", checks: [], feedback: [blocker], blocker } };
        if (task && pending.has(task)) {
          pending.delete(task);
          return { json: { verdict: "revise", checks: [{ criterion: "sources", met: false, evidence: "no source for the main claim" }], feedback: ["Add a source for the main claim."], blocker: null } };
        }
        return { json: { verdict: "pass", checks: [{ criterion: "all", met: true, evidence: "meets every criterion" }], feedback: [], blocker: null } };
      }
      case "pm_assembly":
        return { json: { deliverable: `# Deliverable\n\nAssembled from ${(user.match(/^## /gm) ?? []).length} files.\n`, summary: "Everything the Director asked for is in the deliverable.", openQuestions: [] } };
      case "pm_blocker":
        return { json: script.pmBlocker?.(user) ?? { resolution: "ask-director", description: null, criteria: null, role: null, newTask: null, question: "Which market should we prioritise?" } };
      case "learning_review":
        return { json: script.learning?.(user) ?? defaultReview(user) };
      default:
        return { content: "ok" };
    }
  };
  return { handler, log };
}

/**
 * A review that reads the evidence as the L&P Manager would: each role scored, the first thing the Collaborator or a
 * person asked of it a lesson, and a role over its memory cap has its two oldest entries merged into one summary.
 */
export function defaultReview(user: string): unknown {
  const roles: { role: string; feedback: string[] }[] = [];
  const merges: { role: string; replaces: string[]; text: string }[] = [];
  let overCap: { role: string; replaces: string[]; text: string } | undefined;
  const roleOfTask = new Map<string, { role: string; feedback: string[] }>();
  for (const line of user.split("\n")) {
    const role = /^## Role ([a-z0-9-]+)$/.exec(line)?.[1];
    if (role) roles.push({ role, feedback: [] });
    const task = /^- ([a-z0-9-]+) \([a-z0-9-]+\): /.exec(line)?.[1];
    if (task && roles.length) roleOfTask.set(task, roles[roles.length - 1]!);
    const said = /^\s+- Collaborator: (.+)$/.exec(line)?.[1];
    if (said && roles.length) roles[roles.length - 1]!.feedback.push(said);
    const person = /^- \S+ on task ([a-z0-9-]+): (.+)$/.exec(line);
    if (person) roleOfTask.get(person[1]!)?.feedback.push(person[2]!);
    if (line.startsWith("Its memory is over its cap") && roles.length) merges.push((overCap = { role: roles[roles.length - 1]!.role, replaces: [], text: "" }));
    const entry = /^ {2}- `([a-z0-9-]+)` (.+)$/.exec(line);
    if (entry && overCap && overCap.replaces.length < 2) {
      overCap.replaces.push(entry[1]!);
      overCap.text = overCap.text ? `${overCap.text} ${entry[2]!}` : entry[2]!;
    }
    if (role) overCap = undefined;
  }
  return {
    analysis: `The project finished; ${roles.filter((r) => r.feedback.length).length} role(s) were sent back at least once.`,
    scores: roles.map((r) => ({ role: r.role, score: r.feedback.length ? 3 : 5, rationale: r.feedback.length ? "needed a revision" : "accepted at once" })),
    lessons: roles.filter((r) => r.feedback.length).map((r) => ({ role: r.role, lesson: `Before handing work in: ${r.feedback[0]}`, evidence: [r.feedback[0]] })),
    roleEdits: [],
    merges,
    observations: [],
    takeaway: "Plan the work that needs sources before the work that cites them.",
  };
}
