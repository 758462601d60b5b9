// The fixed /commands known to every agent and person. Roles add their own in their YAML.

export interface CommandInfo {
  name: string;
  args?: string;
  description: string;
}

export const BUILTIN_COMMANDS: readonly CommandInfo[] = [
  { name: "/approve", args: "[option]", description: "Approve the plan (optionally a different option) or accept a stream." },
  { name: "/revise", args: "<feedback>", description: "Send the work back with feedback; the task that produced it reruns." },
  { name: "/ask", args: "@role <question>", description: "Ask a specialist a question; the answer comes as a reply." },
  { name: "/teach", args: "@role <lesson>", description: "Record a lesson in the role's memory for future work." },
  { name: "/retry", args: "[task]", description: "Run a failed task again, or redo a finished one." },
  { name: "/escalate", args: "[task]", description: "Rerun a task on the next stronger model tier." },
  { name: "/answer", args: "[task] <answer>", description: "Answer the PM's question about a blocked task; the task resumes with it." },
  { name: "/block", args: "<reason>", description: "Stop work on this project or stream until /unblock." },
  { name: "/unblock", description: "Resume blocked work." },
  { name: "/status", description: "Report the project's stage, streams and tasks." },
  { name: "/cancel", description: "Cancel the project's remaining work." },
  { name: "/help", description: "List the commands, including each role's own." },
];

export const BUILTIN_COMMAND_NAMES: ReadonlySet<string> = new Set(BUILTIN_COMMANDS.map((c) => c.name));

/** Built-ins whose text may run over several lines of a comment: feedback, questions, lessons, reasons. */
export const MULTILINE_COMMANDS: ReadonlySet<string> = new Set(["/revise", "/teach", "/ask", "/block", "/answer"]);

/** Built-ins whose first word is the role they address (`/ask @role …`); for others an @mention is no address. */
export const ROLE_ADDRESSED_COMMANDS: ReadonlySet<string> = new Set(["/ask", "/teach"]);
