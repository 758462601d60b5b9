import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { addToRoleList, addToRoleText } from "./role-yaml.ts";

const ROLE = `# A person's comment stays.
id: writer
name: Writer
expertise:
  - Plain English # why it matters
expectations:
  input:
    - A brief
  output:
    - A draft
`;

describe("addToRoleList", () => {
  it("adds an item to the named list, keeping comments and order", () => {
    const next = addToRoleList(ROLE, "expectations.output", "Every price cites its source and date")!;
    expect(next).toContain("# A person's comment stays.");
    expect(next).toContain("  - Plain English # why it matters");
    expect(parse(next).expectations.output).toEqual(["A draft", "Every price cites its source and date"]);
    expect(parse(addToRoleList(ROLE, "expertise", "Pricing pages")!).expertise).toEqual(["Plain English", "Pricing pages"]);
  });

  it("adds nothing the list holds already (whatever the case and spacing), nor to a list that is not there", () => {
    expect(addToRoleList(ROLE, "expertise", "  plain   english ")).toBeUndefined();
    expect(addToRoleList("id: writer\nname: Writer\n", "expertise", "x")).toBeUndefined();
  });
});

describe("addToRoleText", () => {
  const WITH = `${ROLE}collaboration: |
  Draft from the messaging hierarchy.
adaptability: Revise the whole piece. # kept
`;
  it("appends a sentence to a strategy, keeping its block style and the comments", () => {
    const next = addToRoleText(WITH, "collaboration", "Ask the engineer to confirm technical claims.")!;
    expect(parse(next).collaboration).toBe("Draft from the messaging hierarchy. Ask the engineer to confirm technical claims.\n");
    expect(next).toContain("collaboration: |\n");
    expect(next).toContain("# A person's comment stays.");
    expect(parse(addToRoleText(WITH, "adaptability", "List what changed.")!).adaptability).toBe("Revise the whole piece. List what changed.\n");
  });

  it("adds nothing the strategy already says, nor to a field that is not text", () => {
    expect(addToRoleText(WITH, "collaboration", "draft from the  messaging hierarchy.")).toBeUndefined();
    expect(addToRoleText(ROLE, "adaptability", "x")).toBeUndefined();
  });
});
