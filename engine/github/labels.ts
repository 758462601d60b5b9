// The labels ateams puts on its PRs (`ateams`, `project:<id>`, `state:<condition>`), and making sure they exist
// with a colour and description before first use. GitHub would create an unknown label on addLabels anyway, but
// grey and unexplained; here each family gets its own look. Lookups are remembered for the life of the ensurer (one
// run), so a label costs at most one read and one write per run, and nothing when no PR needs a new label.
import { GitHubValidationError } from "./errors.ts";
import type { GitHubForge, Label } from "./types.ts";

export const AGENCY_LABEL = "ateams";

export function projectLabel(project: string): string {
  return `project:${project}`;
}

export function stateLabel(state: string): string {
  return `state:${state}`;
}

/** Colour and description for a label ateams manages; a neutral style for any other name. */
export function labelStyle(name: string): Label {
  if (name === AGENCY_LABEL) return { name, color: "5319e7", description: "Opened and kept up to date by ateams" };
  if (name.startsWith("project:")) return { name, color: "1d76db", description: `ateams project ${name.slice("project:".length)}` };
  if (name.startsWith("state:")) return { name, color: "fbca04", description: `ateams: ${name.slice("state:".length)}` };
  return { name, color: "ededed", description: null };
}

export class LabelEnsurer {
  private readonly forge: GitHubForge;
  private readonly style: (name: string) => Label;
  private readonly known = new Set<string>();

  constructor(forge: GitHubForge, style: (name: string) => Label = labelStyle) {
    this.forge = forge;
    this.style = style;
  }

  /** Creates whichever of `names` the repository lacks. */
  async ensure(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const key = name.toLowerCase();
      if (this.known.has(key)) continue;
      if (!(await this.forge.getLabel(name))) {
        try {
          await this.forge.createLabel(this.style(name));
        } catch (error) {
          // Another run created it between our read and our write: the label exists, which is all we wanted.
          if (!(error instanceof GitHubValidationError && error.errors.some((e) => e.code === "already_exists"))) throw error;
        }
      }
      this.known.add(key);
    }
  }
}
