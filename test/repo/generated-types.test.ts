import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { generateTypes, TYPES_FILE } from "../../scripts/gen-types.ts";

it("engine/agency/types.gen.ts is generated from the current schemas (run `npm run gen:types`)", async () => {
  expect(await readFile(TYPES_FILE, "utf8")).toBe(await generateTypes());
}, 30_000);
