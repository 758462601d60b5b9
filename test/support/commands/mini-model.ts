// The mini fixture agency, loaded read-only, plus in-memory variations for command tests.
// roles: researcher (no commands), writer (/outline); project alpha: streams research (facts, competitors,
// glossary) and docs (draft, polish); project beta has no plan.
import { join } from "node:path";
import { FIXTURES, load } from "../agency-fixture.ts";
import type { AgencyModel } from "../../../engine/agency/model.ts";
import type { Role } from "../../../engine/agency/types.gen.ts";

export function miniModel(): Promise<AgencyModel> {
  return load(join(FIXTURES, "mini"));
}

/** A copy of the model with one more role (or a replaced one). */
export function withRole(model: AgencyModel, spec: Role): AgencyModel {
  const roles = new Map(model.roles).set(spec.id, { id: spec.id, file: join(model.dir, "roles", `${spec.id}.yaml`), spec });
  return { ...model, roles };
}

/** A second role defining /outline too, and a command of its own. */
export const EDITOR: Role = {
  id: "editor",
  name: "Editor",
  type: "reviewer",
  summary: "Tightens prose.",
  expertise: ["Editing"],
  expectations: { input: ["A draft"], output: ["An edited draft"] },
  collaboration: "Explains each cut.",
  adaptability: "Follows the house style.",
  commands: [
    { name: "/outline", args: "<section>", description: "Outline | restructure a section." },
    { name: "/proofread", description: "Check spelling only." },
  ],
};
