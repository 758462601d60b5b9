// The committed extract is exactly what scripts/extract-github-openapi.ts makes from the installed @octokit/openapi,
// so the fixtures cannot quietly drift from the real REST description.
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { extractSubset, OPERATIONS, SUBSET_FILE } from "../../../scripts/extract-github-openapi.ts";
import { openApiCheck } from "./openapi-check.ts";

it("test/fixtures/github/openapi-subset.json is current (run `node scripts/extract-github-openapi.ts`)", async () => {
  expect(await readFile(SUBSET_FILE, "utf8")).toBe(await extractSubset());
}, 30_000);

it("holds every operation the client uses, resolved: no $ref outside its own components", () => {
  const subset = openApiCheck().subset;
  expect(Object.keys(subset.operations)).toEqual([...OPERATIONS, "graphql"]);
  const refs = JSON.stringify(subset).match(/"\$ref":\s*"[^"]+"/g) ?? [];
  for (const ref of refs) {
    const name = /#\/components\/schemas\/([^"]+)"$/.exec(ref)?.[1];
    expect(name && name in subset.components.schemas, ref).toBe(true);
  }
});
