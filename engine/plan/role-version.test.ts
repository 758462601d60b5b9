import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadAgency } from "../agency/load-agency.ts";
import { tempAgency } from "../../test/support/agency-fixture.ts";
import { roleVersion } from "./fingerprint.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(() => cleanup?.());

it("a role's version changes with its role file or its lessons, and with nothing else", async () => {
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
  await writeFile(join(t.agency, "memory", "roles", "writer.md"), "# Lessons for writer\n\n- Cite every price.\n");
  const taught = await load();
  expect(roleVersion(taught, "writer")).not.toBe(writer);
  expect(roleVersion(taught, "researcher")).toBe(researcher);
});
