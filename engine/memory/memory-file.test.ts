import { expect, it } from "vitest";
import { parse } from "yaml";
import { addEntries, summarizeEntries } from "./memory-file.ts";
import { nearDuplicate, similarity } from "./near-duplicate.ts";

const REF = "../../../schemas/memory.schema.json";
const by = (who: string, source?: string) => ({ by: who, at: "2026-12-01T10:00:00Z", project: "launch", ...(source ? { source } : {}) });

it("starts a file with its $schema line and adds entries with ids from their words", () => {
  const r = addEntries(undefined, "roles/writer.yaml", [{ kind: "lesson", text: "State the sample size next to every survey figure.", provenance: by("@octocat", "pr/1") }], REF);
  expect(r.text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../../schemas/memory.schema.json");
  expect(r.added).toEqual([expect.stringMatching(/^writer-[0-9a-f]{8}$/)]);
  expect(parse(r.text).entries[0]).toEqual({ id: r.added[0], kind: "lesson", text: "State the sample size next to every survey figure.", provenance: [by("@octocat", "pr/1")] });
  expect(addEntries(undefined, "collaboration.yaml", [], "../../schemas/memory.schema.json").text).toContain("$schema=../../schemas/memory.schema.json");
});

it("folds a near-duplicate into the entry it repeats, keeping both sources; the same source twice adds nothing", () => {
  const first = addEntries(undefined, "roles/writer.yaml", [{ kind: "lesson", text: "State the sample size next to every survey figure.", provenance: by("@octocat", "pr/1") }], REF);
  const again = addEntries(first.text, "roles/writer.yaml", [{ kind: "lesson", text: "Always state the sample size next to each survey figure!", provenance: by("learning-manager") }], REF);
  expect(again).toMatchObject({ added: [], merged: first.added });
  expect(parse(again.text).entries[0].provenance.map((p: { by: string }) => p.by)).toEqual(["@octocat", "learning-manager"]);
  const replay = addEntries(again.text, "roles/writer.yaml", [{ kind: "lesson", text: "State the sample size next to every survey figure.", provenance: by("@octocat", "pr/1") }], REF);
  expect(replay).toMatchObject({ text: again.text, added: [], merged: [] });
  // A different lesson on the same subject is its own entry.
  const other = addEntries(again.text, "roles/writer.yaml", [{ kind: "lesson", text: "Round survey percentages to whole numbers in headlines.", provenance: by("@hubot") }], REF);
  expect(other.added).toHaveLength(1);
});

it("keeps a person's comments and layout when it appends", () => {
  const text = "# yaml-language-server: $schema=../../../schemas/memory.schema.json\n# Kept by hand too.\nentries:\n  # the first one\n  - id: writer-a\n    kind: lesson\n    text: Lead with the problem.\n    provenance:\n      - by: \"@octocat\"\n        at: 2026-01-01\n";
  const r = addEntries(text, "roles/writer.yaml", [{ kind: "observation", text: "Launch posts ran long twice.", provenance: by("learning-manager") }], REF);
  expect(r.text).toContain("# Kept by hand too.");
  expect(r.text).toContain("  # the first one\n  - id: writer-a");
  expect(parse(r.text).entries.map((e: { id: string }) => e.id)).toEqual(["writer-a", r.added[0]]);
});

it("a summary replaces its entries in place of the first and keeps the provenance of each", () => {
  let text = addEntries(undefined, "roles/analyst.yaml", [
    { kind: "lesson", text: "Label every chart axis with units.", provenance: by("@octocat", "pr/1") },
    { kind: "lesson", text: "Cite the source under each table.", provenance: by("@monalisa", "pr/2") },
    { kind: "lesson", text: "Show the date range of every dataset.", provenance: by("learning-manager") },
  ], REF).text;
  const ids = parse(text).entries.map((e: { id: string }) => e.id);
  const s = summarizeEntries(text, "roles/analyst.yaml", [ids[0], ids[2]], "Label axes with units and show each dataset's date range.", by("learning-manager"))!;
  text = s.text;
  const entries = parse(text).entries;
  expect(entries.map((e: { id: string }) => e.id)).toEqual([s.id, ids[1]]);
  expect(entries[0]).toMatchObject({ kind: "summary", text: "Label axes with units and show each dataset's date range." });
  expect(entries[0].provenance.map((p: { by: string; source?: string }) => [p.by, p.source ?? null])).toEqual([["@octocat", "pr/1"], ["learning-manager", null], ["learning-manager", null]]);
  expect(summarizeEntries(text, "roles/analyst.yaml", [ids[1]], "x", by("learning-manager"))).toBeUndefined();
  // A summary worded like an entry that stays would take its id: it gets another, as the loader allows no id twice.
  const again = addEntries(undefined, "roles/analyst.yaml", ["Label axes.", "Date ranges.", "Cite the source under each table."].map((t) => ({ kind: "lesson" as const, text: t, provenance: by("@octocat") })), REF);
  const [a, b, c] = again.added;
  const clash = summarizeEntries(again.text, "roles/analyst.yaml", [a!, b!], "Cite the source under each table.", by("learning-manager"))!;
  expect(clash.id).toBe(`${c}x`);
  expect(new Set(parse(clash.text).entries.map((e: { id: string }) => e.id)).size).toBe(2);
});

it("near-duplicates say the same in nearly the same words; related lessons and corrections are not", () => {
  expect(nearDuplicate("Lead with the customer.", "Always lead with the customer!")).toBe(true);
  expect(nearDuplicate("Cite every price you quote.", "Cite each price quoted")).toBe(true);
  expect(similarity("State the sample size next to every survey figure.", "Always state the sample size next to each survey figure!")).toBe(1);
  expect(nearDuplicate("Cite every price you quote.", "Round prices to whole dollars.")).toBe(false);
  // Corrections share most words with what they correct: kept apart, so the correction's words are not lost.
  expect(nearDuplicate("Always include the sample size next to survey figures.", "Never include the sample size next to survey figures.")).toBe(false);
  expect(nearDuplicate("Cite every price in the table.", "Do not cite every price in the table.")).toBe(false);
  expect(nearDuplicate("Use metric units in the spec sheet.", "Use imperial units in the spec sheet.")).toBe(false);
});
