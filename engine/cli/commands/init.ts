// `ateams init [dir]`: make a working agency repository. Checks every target before writing anything, never
// overwrites, never touches an existing git history.
import { execFile } from "node:child_process";
import { lstat, mkdir, readFile, realpath, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_TEMPLATES_DIR } from "../../prompts/templates.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { initFiles, type InitFile } from "../init/init-files.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";

export const INIT_HELP = `Usage: ateams init [dir] [--agency <subdir>] [--name <agency name>] [--director <github handle>] [--project <id>]

Makes <dir> (default: the current directory) a repository that runs an agency:
  git init (unless <dir> is already inside a git repository; an existing history is never touched),
  .gitignore with .ateams/ and node_modules/ (missing lines are appended to an existing one),
  agency/agency.yaml, agency/roles/writer.yaml, agency/projects/<id>/project.yaml, whose $schema lines
    point into the installed package (node_modules/ateams/schemas/) for editor completion,
  package.json depending on ateams, so \`npx ateams\` runs the version it pins (an existing one is left alone),
  .github/workflows/ (the GitHub Actions pipeline), .nvmrc.
Refuses to overwrite: if any agency or workflow file exists, nothing is written.

Options:
  --agency <subdir>        where the agency goes inside <dir> (default: agency)
  --name <name>            agency name (default: "My Agency")
  --director <handle>      the Director's GitHub handle (default: octocat)
  --project <id>           id of the first project (default: first-project)
  --package-spec <spec>    what package.json depends on (default: ^<this version>); a tarball path, file:…,
                           github:owner/repo or any npm spec, for an offline install or an unpublished build
  --pipeline-ref <ref>     the reusable ateams workflow the generated workflow calls
                           (owner/repo/.github/workflows/pipeline.yml@ref; default: the template's)
  --action-ref <ref>       the ateams action a workflow template uses (default: ateams-dev/ateams@v0)
  -h, --help               show this help
`;

const run = promisify(execFile);

export async function initCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      help: COMMON_OPTIONS.help,
      agency: COMMON_OPTIONS.agency,
      name: { type: "string", default: "My Agency" },
      director: { type: "string", default: "octocat" },
      project: { type: "string", default: "first-project" },
      "package-spec": { type: "string" },
      "action-ref": { type: "string", default: "ateams-dev/ateams@v0" },
      "pipeline-ref": { type: "string" },
    },
    1,
  );
  if (values.help) {
    io.stdout(INIT_HELP);
    return EXIT.ok;
  }
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(values.project)) throw new UsageError(`--project must be a lowercase id (got '${values.project}')`);
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/.test(values.director)) throw new UsageError(`--director must be a GitHub handle without @ (got '${values.director}')`);
  const shown = positionals[0] ?? ".";
  const root = resolve(io.cwd, shown);
  const agencyDir = values.agency.replace(/\/+$/, "");
  if (!agencyDir || agencyDir.startsWith("/") || agencyDir.split("/").includes("..")) throw new UsageError("--agency must be a relative path inside the new repository");
  const rootInfo = await stat(root).catch(() => undefined);
  if (rootInfo && !rootInfo.isDirectory()) throw new UsageError(`${shown} exists and is not a directory`);

  const { default: pkg } = await import("../../../package.json", { with: { type: "json" } });
  const packageSpec = dependencySpec(values["package-spec"], io.cwd, root, pkg.version);
  const files = await initFiles({
    root,
    agencyDir,
    name: values.name,
    director: values.director,
    project: values.project,
    actionRef: values["action-ref"],
    pipelineRef: values["pipeline-ref"],
    packageSpec,
    version: pkg.version,
    templatesDir: DEFAULT_TEMPLATES_DIR,
  });

  // Everything is decided before the first write: existing files, and whether git is there and a repository exists.
  const exists = (rel: string) => lstat(join(root, rel)).then(() => true, () => false);
  const clashes = [];
  for (const f of files) if (f.mode === "new" && (await exists(f.path))) clashes.push(f.path);
  if (clashes.length) {
    for (const rel of clashes) io.stderr(`${join(shown, rel)}:1:1: error: already exists; ateams init never overwrites\n`);
    io.stderr("nothing was written\n");
    return EXIT.invalid;
  }
  const repo = await enclosingRepository(root);

  const done: string[] = [];
  for (const f of files) {
    const target = join(root, f.path);
    await mkdir(dirname(target), { recursive: true });
    if (f.mode === "lines") {
      const before = await readFile(target, "utf8").catch(() => undefined);
      const have = new Set((before ?? "").split(/\r?\n/).map((l) => l.trim()));
      const missing = f.lines.filter((l) => !have.has(l) && !have.has(l.replace(/\/$/, "")) && !have.has(`/${l}`));
      if (before === undefined) await writeFile(target, `${f.lines.join("\n")}\n`, { flag: "wx" });
      else if (missing.length) await writeFile(target, `${before.length && !before.endsWith("\n") ? "\n" : ""}${missing.join("\n")}\n`, { flag: "a" });
      done.push(before === undefined ? `created ${f.path}` : missing.length ? `added ${missing.join(", ")} to ${f.path}` : `kept ${f.path} (already ignores ${f.lines.join(", ")})`);
    } else if (f.mode === "keep" && (await exists(f.path))) {
      done.push(`kept ${f.path} (already there)`);
    } else {
      await writeFile(target, f.content, { flag: "wx" });
      done.push(`created ${f.path}`);
    }
  }
  if (!repo) {
    await run("git", ["init", "-q", "-b", "main"], { cwd: root });
    done.push("initialized a git repository (branch main)");
  }
  for (const line of done) io.stdout(`${line}\n`);
  if (repo && repo !== (await realpath(root))) {
    io.stdout(`note: ${shown} is inside the git repository at ${repo}; GitHub runs only the workflows in that repository's own .github/workflows/\n`);
  }

  // A package.json of their own gets the dependency from npm itself, unless it already has it.
  const keptPackage = done.includes("kept package.json (already there)") && !(await dependsOnAteams(join(root, "package.json")));
  const flag = agencyDir === "agency" ? "" : ` --agency ${agencyDir}`;
  const next = [
    ...(shown === "." ? [] : [`cd ${shown}`]),
    keptPackage ? `npm install ${packageSpec.startsWith("file:") ? packageSpec.slice("file:".length) : `ateams@${packageSpec}`}` : "npm install",
    `npx ateams validate${flag}`,
    `npx ateams plan${flag}`,
  ];
  io.stdout(`\nNext:\n${next.map((c) => `  ${c}\n`).join("")}Then commit, push to GitHub and add an OPENAI_API_KEY secret: the workflow plans and opens the pull requests.\n`);
  return EXIT.ok;
}

/** The ateams dependency to write: a tarball or folder path becomes file:<path>, relative when it is inside the repository. */
function dependencySpec(given: string | undefined, cwd: string, root: string, version: string): string {
  if (given === undefined) return `^${version}`;
  const path = given.startsWith("file:") ? given.slice("file:".length) : /^(\.{1,2}\/|\/)|\.t(ar\.)?gz$/.test(given) ? given : undefined;
  if (path === undefined) return given;
  const rel = relative(root, resolve(cwd, path)).split("\\").join("/");
  return `file:${isAbsolute(rel) || rel.startsWith("..") ? resolve(cwd, path) : `./${rel}`}`;
}

async function dependsOnAteams(file: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(file, "utf8")) as Record<string, Record<string, string> | undefined>;
    return ["dependencies", "devDependencies", "optionalDependencies"].some((k) => manifest[k]?.ateams !== undefined);
  } catch {
    return false;
  }
}

/** The top of the git work tree that `dir` (or its nearest existing parent) is in, or undefined when there is none. */
async function enclosingRepository(dir: string): Promise<string | undefined> {
  let probe = dir;
  while (!(await stat(probe).then((s) => s.isDirectory(), () => false))) probe = dirname(probe);
  try {
    const { stdout } = await run("git", ["rev-parse", "--show-toplevel"], { cwd: probe });
    return stdout.trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError("git was not found on PATH; ateams init needs it to make the repository");
    return undefined;
  }
}
