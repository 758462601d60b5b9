// Entry point: dispatches to a command and maps outcomes to exit codes in one place.
import { directorCommand, directorHelp } from "./commands/director-command.ts";
import { VERBS } from "./commands/director-verbs.ts";
import { continueCommand, CONTINUE_HELP } from "./commands/continue.ts";
import { initCommand, INIT_HELP } from "./commands/init.ts";
import { planCommand, PLAN_HELP } from "./commands/plan.ts";
import { runCommand, RUN_HELP } from "./commands/run.ts";
import { statusCommand, STATUS_HELP } from "./commands/status.ts";
import { reportCommand, REPORT_HELP } from "./commands/report.ts";
import { learnCommand, LEARN_HELP } from "./commands/learn.ts";
import { validateCommand, VALIDATE_HELP } from "./commands/validate.ts";
import { watchCommand, WATCH_HELP } from "./commands/watch.ts";
import { EXIT, UsageError, type CliIO } from "./io.ts";
import { addSecretsFromEnv, redact } from "../secrets/redact.ts";

type Command = { run: (argv: string[], io: CliIO) => Promise<number>; help: string; summary: string };

export const COMMANDS: Record<string, Command> = {
  validate: { run: validateCommand, help: VALIDATE_HELP, summary: "check every spec file; report all errors with file:line:col" },
  plan: { run: planCommand, help: PLAN_HELP, summary: "show what `run` would do next: stages, actions, tiers, costs" },
  run: { run: runCommand, help: RUN_HELP, summary: "reconcile: plan, run the agents, commit every finished step" },
  status: { run: statusCommand, help: STATUS_HELP, summary: "where each project, stream and task stands, and what waits on a person" },
  report: { run: reportCommand, help: REPORT_HELP, summary: "what the work cost and how it went: tables and charts from the committed metrics" },
  learn: { run: learnCommand, help: LEARN_HELP, summary: "the L&P Manager's proposals after each project; --accept merges them" },
  // The Director's commands, each the twin of a PR comment.
  ...Object.fromEntries(VERBS.map((v) => [v.name, { run: (argv: string[], io: CliIO) => directorCommand(v, argv, io), help: directorHelp(v), summary: v.summary }])),
  watch: { run: watchCommand, help: WATCH_HELP, summary: "re-validate and re-plan on every change (--apply: also run)" },
  init: { run: initCommand, help: INIT_HELP, summary: "scaffold a new agency repository" },
  continue: { run: continueCommand, help: CONTINUE_HELP, summary: "in Actions: start the pipeline's next wave when new stream work can start" },
};

export const MAIN_HELP = `ateams — autonomous LLM agent teams, declared in YAML and reconciled through git

Usage: ateams <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Every command takes --agency <dir> (default ./agency) where it applies, and --help.
Exit status: 0 success, 1 invalid specs or failed work, 2 usage error.
`;

export async function main(argv: string[], raw: CliIO): Promise<number> {
  // Everything a command prints passes the redactor; the keys in this environment are known to it from the start.
  addSecretsFromEnv(raw.env);
  const io: CliIO = { ...raw, stdout: (t) => raw.stdout(redact(t)), stderr: (t) => raw.stderr(redact(t)) };
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    io.stdout(topic && COMMANDS[topic] ? COMMANDS[topic].help : MAIN_HELP);
    return EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    const { default: pkg } = await import("../../package.json", { with: { type: "json" } });
    io.stdout(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command '${name}'`);
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ateams: ${e.message}\nRun 'ateams ${command ? `${name} ` : ""}--help' for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
