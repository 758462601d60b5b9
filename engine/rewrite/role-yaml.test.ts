import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { addToRoleList, appendLessons } from "./role-yaml.ts";

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

describe("appendLessons", () => {
  const lesson = (text: string) => ({ lesson: text, by: "L&P Manager", project: "alpha", at: "2026-12-04T10:00:00Z", evidence: ["Cite the source."] });

  it("starts the file, and records who proposed each lesson, where, when and on what evidence", () => {
    const r = appendLessons(undefined, "writer", [lesson("Cite every price.")]);
    expect(r.added).toBe(1);
    expect(r.text).toMatch(/^# Lessons for writer\n/);
    expect(r.text).toContain("- Cite every price. — L&P Manager, alpha, 2026-12-04T10:00:00Z (evidence: “Cite the source.”)");
  });

  it("keeps what is there and leaves out a lesson it already holds", () => {
    const first = appendLessons(undefined, "writer", [lesson("Cite every price.")]).text;
    const again = appendLessons(first, "writer", [lesson("cite  every price."), lesson("Date every figure.")]);
    expect(again.added).toBe(1);
    expect(again.text.startsWith(first.trimEnd())).toBe(true);
    expect(again.text.match(/Cite every price/g)).toHaveLength(1);
  });
});
