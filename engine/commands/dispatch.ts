// An authorized command, read in its context, becomes one CommandEffect. Pure: the effect is data that an
// executor applies; misuse is a `reject` effect whose reason is replied to the commenter.
import type { AgencyModel } from "../agency/model.ts";
import type { Plan } from "../agency/types.gen.ts";
import type { CommandContext, CommandEffect } from "./effect.ts";
import { ROLE_ADDRESSED_COMMANDS } from "../agency/builtin-commands.ts";
import type { ParsedCommand } from "./parse.ts";
import { commandRegistry, type CommandRegistry } from "./registry.ts";
import { reviseEffect } from "./revise.ts";
import { leadingWord, taskById } from "./task-target.ts";

/**
 * `model` is the agency as seen where the comment was written (on a plan PR, its branch holds the plan).
 * `registry` defaults to the one built from `model`.
 */
export function dispatch(command: ParsedCommand, ctx: CommandContext, model: AgencyModel, registry: CommandRegistry = commandRegistry(model)): CommandEffect {
  const { name, args } = command;
  if (name === "/help") return { type: "help" };
  const project = model.projects.get(ctx.project);
  if (!project) return reject(`There is no project '${ctx.project}' in this agency.`);
  const plan = project.plan;
  const isBuiltin = registry.builtins.some((b) => b.name === name);
  if (isBuiltin && command.target && !ROLE_ADDRESSED_COMMANDS.has(name)) {
    // "@bob /approve when you're ready" is advice to Bob, not the author's own approval.
    return reject(`\`${name}\` after an @mention is not run: write \`${name}\` at the start of its own line.`);
  }
  const p = ctx.project;
  const stream = ctx.kind === "stream-pr" ? ctx.stream : undefined;
  switch (name) {
    case "/approve":
      return approve(args, ctx, plan);
    case "/revise":
      return reviseEffect(args, ctx, plan);
    case "/ask":
    case "/teach": {
      const role = command.target;
      const noun = name === "/ask" ? "question" : "lesson";
      if (!role) return reject(`${name} needs a role: \`${name} @role <${noun}>\`; roles: ${[...model.roles.keys()].join(", ")}.`);
      if (!model.roles.has(role)) return reject(`There is no role '${role}'; roles: ${[...model.roles.keys()].join(", ")}.`);
      if (!args) return reject(`${name} @${role} needs a ${noun}.`);
      return name === "/ask"
        ? { type: "ask", project: p, role, question: args }
        : { type: "teach", project: p, ...(stream ? { stream } : {}), role, lesson: args, by: ctx.author, at: ctx.at, source: ctx.url };
    }
    case "/retry":
    case "/escalate": {
      const type = name === "/retry" ? "retry" : "escalate";
      if (!args) return { type, project: p, ...(stream ? { stream } : {}) };
      const word = leadingWord(args);
      const ref = word ? taskById(plan, word) : undefined;
      if (!ref) return reject(`Project ${p} has no task '${word ?? args.split(/\s+/)[0]}'${taskList(plan)}.`);
      return { type, project: p, task: ref.task.id };
    }
    case "/answer": {
      if (!args) return reject("/answer needs the answer: `/answer [task] <answer>`.");
      const word = leadingWord(args);
      const ref = word ? taskById(plan, word) : undefined;
      const text = ref ? args.trim().replace(/^\[?[A-Za-z0-9-]+\]?:?\s*/, "") : args;
      if (!text) return reject(`/answer ${ref!.task.id} needs the answer.`);
      return { type: "answer", project: p, ...(ref ? { task: ref.task.id } : {}), text, by: ctx.author, at: ctx.at, source: ctx.url };
    }
    case "/block":
      if (!args) return reject("/block needs a reason: `/block <reason>`.");
      return { type: "block", project: p, ...(stream ? { stream } : {}), reason: args };
    case "/unblock":
      return { type: "unblock", project: p, ...(stream ? { stream } : {}) };
    case "/cancel":
      return { type: "cancel", project: p };
    case "/status":
      return { type: "status", project: p };
  }
  return custom(command, p, registry);
}

function approve(args: string, ctx: CommandContext, plan: Plan | undefined): CommandEffect {
  const p = ctx.project;
  if (ctx.kind === "stream-pr" || ctx.kind === "assembly-pr") {
    if (args) return reject(`/approve takes no option on a ${ctx.kind === "stream-pr" ? "stream" : "assembly"} PR; options choose between plans.`);
    if (ctx.kind === "assembly-pr") return { type: "accept-assembly", project: p };
    if (!ctx.stream) return reject("This PR names no stream to accept.");
    return { type: "accept-stream", project: p, stream: ctx.stream };
  }
  if (!args) return { type: "approve-plan", project: p };
  const option = leadingWord(args) ?? args.split(/\s+/)[0]!;
  if (!plan) return reject(`Project ${p} has no plan yet, so there is no option '${option}' to approve.`);
  if (!plan.options.some((o) => o.id === option)) {
    return reject(`The plan has no option '${option}'; options: ${plan.options.map((o) => o.id).join(", ")}.`);
  }
  return { type: "approve-plan", project: p, option };
}

/**
 * A role's own command. Its role is the `@role` written before it or as its first word; with neither, the only
 * role that defines it. Two roles defining it without an address is ambiguous and refused rather than guessed.
 */
function custom(command: ParsedCommand, project: string, registry: CommandRegistry): CommandEffect {
  const owners = registry.owners.get(command.name);
  if (!owners?.length) return reject(`Unknown command \`${command.name}\`; \`/help\` lists them.`);
  let { target, args } = command;
  const lead = /^@([a-z0-9][a-z0-9-]*)(?:\s+|$)/i.exec(args);
  if (!target && lead && owners.includes(lead[1]!.toLowerCase())) {
    target = lead[1]!.toLowerCase();
    args = args.slice(lead[0].length).trim();
  }
  if (target && !owners.includes(target)) return reject(`Role '${target}' has no command \`${command.name}\`; ${owners.map((o) => `@${o}`).join(", ")} ${owners.length > 1 ? "do" : "does"}.`);
  const role = target ?? (owners.length === 1 ? owners[0] : undefined);
  if (!role) return reject(`\`${command.name}\` is answered by ${owners.map((o) => `@${o}`).join(" and ")}: write \`@role ${command.name}\`.`);
  return { type: "custom", project, role, command: command.name, args };
}

function taskList(plan: Plan | undefined): string {
  const ids = (plan?.streams ?? []).flatMap((s) => s.tasks.map((t) => t.id));
  return ids.length ? `; tasks: ${ids.join(", ")}` : "";
}

function reject(reason: string): CommandEffect {
  return { type: "reject", reason };
}
