import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadAgency } from "../agency/load-agency.ts";
import { tempAgency } from "../../test/support/agency-fixture.ts";
import { roleVersion } from "./fingerprint.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(() => cleanup?.());

it("a role's version changes with its role file or the memory it recalls from, and with nothing else", async () => {
  const t = await tempAgency("mini");
  cleanup = t.cleanup;
  const load = async () => {
    const r = await loadAgency(t.agency);
    if (!r.ok) throw new Error("the fixture does not load");
    return r.model;
  };
  const before = await load();
  const writer = roleVersion(before, "writer");
  const researcher = roleVersion(before, "researcher");
  expect(writer).toMatch(/^[0-9a-f]{8}$/);
  expect(roleVersion(await load(), "writer")).toBe(writer);

  await mkdir(join(t.agency, "memory", "roles"), { recursive: true });
  await writeFile(join(t.agency, "memory", "roles", "writer.yaml"), "entries:\n  - { id: writer-price, kind: lesson, text: Cite every price., provenance: [{ by: '@octocat', at: '2026-12-01' }] }\n");

  const taught = await load();
  expect(roleVersion(taught, "writer")).not.toBe(writer);
  expect(roleVersion(taught, "researcher")).toBe(researcher);
  // A pattern every role shares (collaboration.yaml) may reach any role's prompt: every role has a new version.
  await writeFile(join(t.agency, "memory", "collaboration.yaml"), "entries:\n  - { id: collab-ask, kind: pattern, text: Ask the owner., provenance: [{ by: '@octocat', at: '2026-12-01' }] }\n");
  const shared = await load();
  expect(roleVersion(shared, "writer")).not.toBe(roleVersion(taught, "writer"));
  expect(roleVersion(shared, "researcher")).not.toBe(researcher);
});
