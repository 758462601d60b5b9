// What `ateams init` puts into a repository, as data: rendered from templates/init/, written by the command.
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import Handlebars from "handlebars";
import { schemaRefFor } from "../../rewrite/schema-ref.ts";

/**
 * How a file may be written. `new`: the scaffold itself; any existing one stops init before it writes anything.
 * `keep`: a file a repository often has already (package.json, .nvmrc): created when missing, else left alone.
 * `lines`: .gitignore: created, or the missing lines appended; nothing already there is changed.
 */
export type InitFile = { path: string; content: string; mode: "new" | "keep" } | { path: string; lines: string[]; mode: "lines" };

export interface InitOptions {
  /** Absolute path of the repository root. */
  root: string;
  /** The agency directory, relative to root. */
  agencyDir: string;
  name: string;
  director: string;
  project: string;
  actionRef: string;
  /** The reusable workflow a workflow template calls; the template's own default when undefined. */
  pipelineRef?: string | undefined;
  /** The `ateams` dependency of the new package.json: a version range, a tarball (file:…) or any npm spec. */
  packageSpec: string;
  /** The version of the running ateams. */
  version: string;
  templatesDir: string;
}

export async function initFiles(o: InitOptions): Promise<InitFile[]> {
  const dir = join(o.templatesDir, "init");
  const view = (file: string, kind?: Parameters<typeof schemaRefFor>[2]) => ({
    name: o.name,
    director: o.director,
    project: o.project,
    actionRef: o.actionRef,
    ...(o.pipelineRef ? { pipelineRef: o.pipelineRef } : {}),
    agencyDir: o.agencyDir,
    version: o.version,
    packageSpec: o.packageSpec,
    ...(kind ? { schemaRef: schemaRefFor(join(o.root, file), o.root, kind) } : {}),
  });
  const render = async (template: string, file: string, kind?: Parameters<typeof schemaRefFor>[2]) =>
    Handlebars.compile(await readFile(join(dir, template), "utf8"), { strict: true, noEscape: true })(view(file, kind));

  const agency = `${o.agencyDir}/agency.yaml`;
  const role = `${o.agencyDir}/roles/writer.yaml`;
  const project = `${o.agencyDir}/projects/${o.project}/project.yaml`;
  // Every workflow template there is shipped, so the pipeline can grow without init learning its file names.
  const workflows = (await readdir(join(dir, "workflows"))).filter((f) => f.endsWith(".hbs")).sort();
  return [
    { path: agency, content: await render("agency.yaml.hbs", agency, "agency"), mode: "new" },
    { path: role, content: await render("roles/writer.yaml.hbs", role, "role"), mode: "new" },
    { path: project, content: await render("projects/project.yaml.hbs", project, "project"), mode: "new" },
    ...(await Promise.all(
      workflows.map(async (f): Promise<InitFile> => {
        const path = `.github/workflows/${f.slice(0, -".hbs".length)}`;
        return { path, content: await render(`workflows/${f}`, path), mode: "new" };
      }),
    )),
    { path: "package.json", content: packageJson(basename(o.root), o.name, o.packageSpec), mode: "keep" },
    { path: ".nvmrc", content: "24\n", mode: "keep" },
    // The engine's caches and scratch space, and the installed package, never belong in the agency's history.
    { path: ".gitignore", lines: [".ateams/", "node_modules/"], mode: "lines" },
  ];
}

/** A private package whose only purpose is to pin the ateams the agency runs with, so `npx ateams` finds it. */
function packageJson(dirName: string, agencyName: string, spec: string): string {
  const name = dirName.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|-+$/g, "") || "agency";
  const pkg = {
    name,
    private: true,
    description: `${agencyName}: an ateams agency`,
    scripts: { validate: "ateams validate", plan: "ateams plan" },
    dependencies: { ateams: spec },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
