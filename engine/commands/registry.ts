// Every command the agency answers: the fixed built-ins plus the custom ones each role declares in its YAML.
// The parser is given its names, dispatch finds the role behind a custom command, and /help renders it.
import type { AgencyModel } from "../agency/model.ts";
import { BUILTIN_COMMANDS, BUILTIN_COMMAND_NAMES, type CommandInfo } from "../agency/builtin-commands.ts";

export interface RoleCommands {
  role: string;
  /** The role's display name. */
  title: string;
  commands: readonly CommandInfo[];
}

export interface CommandRegistry {
  builtins: readonly CommandInfo[];
  /** Roles with custom commands, sorted by role id so /help reads the same on every run. */
  roles: readonly RoleCommands[];
  /** Custom command name → the role ids answering it. Two or more is a conflict an `@role` prefix resolves. */
  owners: ReadonlyMap<string, readonly string[]>;
  /** Every command name, lowercase with its slash: what parseCommands is given. */
  names: ReadonlySet<string>;
}

/**
 * Builds the registry from the loaded agency. A custom command that reuses a built-in name is left out (validation
 * already reports it): the fixed set must mean the same everywhere. Names are lowercased, as the parser emits them.
 */
export function commandRegistry(model: Pick<AgencyModel, "roles">): CommandRegistry {
  const roles: RoleCommands[] = [];
  const owners = new Map<string, string[]>();
  for (const id of [...model.roles.keys()].sort()) {
    const spec = model.roles.get(id)!.spec;
    const commands = (spec.commands ?? [])
      .map((c) => ({ ...c, name: c.name.toLowerCase() }))
      .filter((c) => !BUILTIN_COMMAND_NAMES.has(c.name));
    if (!commands.length) continue;
    roles.push({ role: id, title: spec.name, commands });
    for (const c of commands) owners.set(c.name, [...(owners.get(c.name) ?? []), id]);
  }
  return { builtins: BUILTIN_COMMANDS, roles, owners, names: new Set([...BUILTIN_COMMAND_NAMES, ...owners.keys()]) };
}

/** The /help reply: the built-ins, then each role's own commands, conflicts marked with how to route them. */
export function helpText(registry: CommandRegistry): string {
  const out = ["### Commands", "", "Start a line with a command; commands in code or quotes are ignored.", "", ...table(registry.builtins)];
  out.push("", "### Role commands", "");
  if (!registry.roles.length) {
    out.push("No role defines commands of its own.");
    return out.join("\n");
  }
  for (const r of registry.roles) {
    out.push(`**${cell(r.title)}** (\`@${r.role}\`)`, "", ...table(r.commands, r.role, registry.owners), "");
  }
  if ([...registry.owners.values()].some((o) => o.length > 1)) {
    out.push("When two roles answer the same command, address one: `@role /command …`.");
  }
  return out.join("\n").trimEnd();
}

function table(commands: readonly CommandInfo[], role?: string, owners?: ReadonlyMap<string, readonly string[]>): string[] {
  return [
    "| Command | What it does |",
    "| --- | --- |",
    ...commands.map((c) => {
      const others = role ? (owners?.get(c.name) ?? []).filter((o) => o !== role) : [];
      const also = others.length ? ` Also answered by ${others.map((o) => `\`@${o}\``).join(", ")}: write \`@${role} ${c.name}\`.` : "";
      return `| \`${cell(usage(c))}\` | ${cell(c.description)}${also} |`;
    }),
  ];
}

function usage(c: CommandInfo): string {
  return (c.args ? `${c.name} ${c.args}` : c.name).replace(/`/g, "'");
}

/** Table cells cannot hold pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}
