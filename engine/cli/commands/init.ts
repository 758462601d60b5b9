// `ateams init [dir]`: scaffold a new agency repository. Never overwrites: it checks every target first.
import { lstat, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import Handlebars from "handlebars";
import { DEFAULT_TEMPLATES_DIR } from "../../prompts/templates.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";

export const INIT_HELP = `Usage: ateams init [dir] [--agency <subdir>] [--name <agency name>] [--director <github handle>] [--project <id>]

Creates a new agency repository in <dir> (default: the current directory):
  agency/agency.yaml, agency/roles/writer.yaml, agency/projects/<id>/project.yaml,
  schemas/*.schema.json (for editor autocompletion), .github/workflows/ateams.yml, .nvmrc.
Refuses to overwrite any existing file; nothing is written unless every file is new.

Options:
  --agency <subdir>    where the agency goes inside <dir> (default: agency)
  --name <name>        agency name (default: "My Agency")
  --director <handle>  the Director's GitHub handle (default: octocat)
  --project <id>       id of the first project (default: first-project)
  --action-ref <ref>   the ateams action the workflow uses (default: ateams-dev/ateams@v0)
  -h, --help           show this help
`;

const SCHEMAS = ["agency", "role", "project", "plan", "status"];

export async function initCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      help: COMMON_OPTIONS.help,
      agency: COMMON_OPTIONS.agency,
      name: { type: "string", default: "My Agency" },
      director: { type: "string", default: "octocat" },
      project: { type: "string", default: "first-project" },
      "action-ref": { type: "string", default: "ateams-dev/ateams@v0" },
    },
    1,
  );
  if (values.help) {
    io.stdout(INIT_HELP);
    return EXIT.ok;
  }
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(values.project)) throw new UsageError(`--project must be a lowercase id (got '${values.project}')`);
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/.test(values.director)) throw new UsageError(`--director must be a GitHub handle without @ (got '${values.director}')`);
  const root = resolve(io.cwd, positionals[0] ?? ".");
  const agencyDir = values.agency.replace(/\/+$/, "");
  if (agencyDir.startsWith("/") || agencyDir.split("/").includes("..")) throw new UsageError("--agency must be a relative path inside the new repository");
  // $schema lines are relative to each file, so they depend on how deep the agency sits.
  const up = "../".repeat(agencyDir.split("/").filter(Boolean).length);
  const view = { name: values.name, director: values.director, project: values.project, actionRef: values["action-ref"] };
  const src = (p: string) => readFile(join(DEFAULT_TEMPLATES_DIR, "init", p), "utf8");
  const render = async (p: string) =>
    Handlebars.compile(await src(p), { strict: true, noEscape: true })(view).replace(/\$schema=((?:\.\.\/)+)schemas\//, (_m, dots: string) => `$schema=${dots.slice(3)}${up}schemas/`);
  const schemasDir = resolve(DEFAULT_TEMPLATES_DIR, "..", "schemas");

  const files: [string, string][] = [
    [`${agencyDir}/agency.yaml`, await render("agency.yaml.hbs")],
    [`${agencyDir}/roles/writer.yaml`, await render("roles/writer.yaml.hbs")],
    [`${agencyDir}/projects/${values.project}/project.yaml`, await render("projects/project.yaml.hbs")],
    [".github/workflows/ateams.yml", await render("workflows/ateams.yml.hbs")],
    [".nvmrc", "24\n"],
    ...(await Promise.all(SCHEMAS.map(async (k): Promise<[string, string]> => [`schemas/${k}.schema.json`, await readFile(join(schemasDir, `${k}.schema.json`), "utf8")]))),
  ];
  const existing = [];
  for (const [rel] of files) if (await lstat(join(root, rel)).then(() => true, () => false)) existing.push(rel);
  if (existing.length) {
    for (const rel of existing) io.stderr(`${join(positionals[0] ?? ".", rel)}:1:1: error: already exists; ateams init never overwrites\n`);
    io.stderr("nothing was written\n");
    return EXIT.invalid;
  }
  for (const [rel, content] of files) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content, { flag: "wx" });
    io.stdout(`created ${join(positionals[0] ?? ".", rel)}\n`);
  }
  const flag = agencyDir === "agency" ? "" : ` --agency ${agencyDir}`;
  io.stdout(`\nNext: cd ${positionals[0] ?? "."} && ateams validate${flag} && ateams plan${flag}\n`);
  return EXIT.ok;
}
