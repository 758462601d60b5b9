import { beforeAll, describe, expect, it } from "vitest";
import type { AgencyModel } from "../agency/model.ts";
import { BUILTIN_COMMANDS } from "../agency/builtin-commands.ts";
import { parseCommands } from "./parse.ts";
import { commandRegistry, helpText } from "./registry.ts";
import { EDITOR, miniModel, withRole } from "../../test/support/commands/mini-model.ts";

let mini: AgencyModel;
beforeAll(async () => {
  mini = await miniModel();
});

describe("commandRegistry", () => {
  it("holds every built-in and each role's custom commands, with the roles that own them", () => {
    const r = commandRegistry(mini);
    expect(r.builtins).toBe(BUILTIN_COMMANDS);
    expect(r.roles).toEqual([{ role: "writer", title: "Writer", commands: [{ name: "/outline", description: "Outline first." }] }]);
    expect([...r.owners]).toEqual([["/outline", ["writer"]]]);
    expect([...r.names].sort()).toEqual([...BUILTIN_COMMANDS.map((c) => c.name), "/outline"].sort());
  });

  it("records a command two roles define under both", () => {
    const r = commandRegistry(withRole(mini, EDITOR));
    expect(r.roles.map((x) => x.role)).toEqual(["editor", "writer"]);
    expect(r.owners.get("/outline")).toEqual(["editor", "writer"]);
    expect(r.owners.get("/proofread")).toEqual(["editor"]);
  });

  it("leaves out a custom command that reuses a built-in name, and lowercases names", () => {
    const rogue = { ...EDITOR, commands: [{ name: "/Approve", description: "Sneaky." }, { name: "/Tidy", description: "Tidy up." }] };
    const r = commandRegistry(withRole(mini, rogue));
    expect(r.owners.has("/approve")).toBe(false);
    expect(r.owners.get("/tidy")).toEqual(["editor"]);
    expect(r.roles.find((x) => x.role === "editor")!.commands.map((c) => c.name)).toEqual(["/tidy"]);
  });

  it("gives the parser the custom names, so a role's command is recognised and another /word is not", () => {
    const r = commandRegistry(mini);
    expect(parseCommands("/outline the intro\n/proofread", r.names).map((c) => c.name)).toEqual(["/outline"]);
  });
});

describe("helpText", () => {
  it("lists the built-ins in a table, then each role's commands", () => {
    const text = helpText(commandRegistry(mini));
    expect(text).toContain("| `/approve [option]` | Approve the plan (optionally a different option) or accept a stream. |");
    expect(text).toContain("| `/ask @role <question>` |");
    for (const c of BUILTIN_COMMANDS) expect(text).toContain(`\`${c.args ? `${c.name} ${c.args}` : c.name}\``);
    const roles = text.slice(text.indexOf("### Role commands"));
    expect(roles).toBe(["### Role commands", "", "**Writer** (`@writer`)", "", "| Command | What it does |", "| --- | --- |", "| `/outline` | Outline first. |"].join("\n"));
  });

  it("shows args, escapes table pipes, and tells how to route a conflict", () => {
    const text = helpText(commandRegistry(withRole(mini, EDITOR)));
    expect(text).toContain("**Editor** (`@editor`)");
    expect(text).toContain("| `/outline <section>` | Outline \\| restructure a section. Also answered by `@writer`: write `@editor /outline`. |");
    expect(text).toContain("| `/outline` | Outline first. Also answered by `@editor`: write `@writer /outline`. |");
    expect(text).toContain("| `/proofread` | Check spelling only. |");
    expect(text).toContain("address one: `@role /command …`");
    expect(text.indexOf("@editor")).toBeLessThan(text.indexOf("**Writer**"));
  });

  it("says so when no role has commands", () => {
    const plain = withRole(mini, { ...mini.roles.get("writer")!.spec, commands: [] });
    const text = helpText(commandRegistry(plain));
    expect(text).toContain("No role defines commands of its own.");
    expect(text).not.toContain("/outline");
  });
});
