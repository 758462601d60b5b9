// Loads an agency directory: the only place that reads spec files. Everything after it is pure.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { crossCheck } from "./cross-check.ts";
import { error, hasErrors, sortDiagnostics, warning, type Diagnostic } from "./diagnostic.ts";
import { outputKey, type AgencyModel, type LoadedProject, type LoadedRole, type OutputFile, type OutputObserver } from "./model.ts";
import { locate, parseYaml, type ParsedYaml } from "./parse-yaml.ts";
import type { SpecKind } from "./schemas.ts";
import { readSourceFile } from "./source-file.ts";
import type { Agency, Memory, MemoryEntry, Plan, Project, Role, Status } from "./types.gen.ts";
import { validateDoc } from "./validate-doc.ts";

export type LoadResult =
  | { ok: true; model: AgencyModel; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

const YAML_FILE = /\.ya?ml$/;

interface Loaded<T> {
  parsed: ParsedYaml;
  value: T;
  valid: boolean;
}

export interface LoadOptions {
  /** How declared outputs are observed; default: the files in the working tree. */
  observeOutputs?: OutputObserver;
}

export async function loadAgency(agencyDir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const dir = resolve(agencyDir);
  const diags: Diagnostic[] = [];
  const sources = new Map<string, ParsedYaml>();

  const dirInfo = statOrUndefined(dir);
  if (!dirInfo) return fail([error(dir, 1, 1, "agency directory not found (use --agency <dir>, or `ateams init`)")]);
  if (!dirInfo.isDirectory()) return fail([error(dir, 1, 1, "is not a directory; --agency must name the agency directory")]);

  async function load<T>(file: string, kind: SpecKind): Promise<Loaded<T> | undefined> {
    const src = await readSourceFile(file);
    if ("severity" in src) {
      diags.push(src);
      return undefined;
    }
    const hit = parsedCache.get(file);
    const { parsed, problems } =
      hit && hit.text === src.text && hit.kind === kind ? hit : remember(file, kind, src.text);
    if (Array.isArray(parsed)) {
      for (const d of parsed) diags.push(d);
      return undefined;
    }
    sources.set(file, parsed);
    for (const w of parsed.warnings) diags.push(w);
    for (const d of problems) diags.push(d);
    return { parsed, value: parsed.value as T, valid: problems.length === 0 };
  }

  const agencyFile = join(dir, "agency.yaml");
  const agency = await load<Agency>(agencyFile, "agency");

  const roles = new Map<string, LoadedRole>();
  /** Every role file that exists, valid or not, so one broken role does not cascade into "unknown role" errors. */
  const roleIds = new Set<string>();
  const rolesDir = join(dir, "roles");
  const roleNames = await listDir(rolesDir, diags, false);
  /** When roles/ itself cannot be read, "unknown role" on every task would only bury the real error. */
  const rolesUnreadable = roleNames === undefined;
  const roleFiles = new Map<string, string>();
  for (const name of roleNames ?? []) {
    if (name.startsWith(".")) continue; // editor lock files, .DS_Store, …
    const file = join(rolesDir, name);
    if (!YAML_FILE.test(name)) {
      diags.push(warning(file, 1, 1, "ignored: role files must end in .yaml"));
      continue;
    }
    const id = name.replace(YAML_FILE, "");
    const prior = roleFiles.get(id);
    if (prior) {
      diags.push(error(file, 1, 1, `role '${id}' is defined twice: ${basename(prior)} and ${name}`));
      continue;
    }
    roleFiles.set(id, file);
    roleIds.add(id);
    const role = await load<Role>(file, "role");
    if (role?.valid) roles.set(id, { id, file, spec: role.value });
  }

  const projects = new Map<string, LoadedProject>();
  const projectIds = new Set<string>();
  const projectsDir = join(dir, "projects");
  const planned: { project: LoadedProject; valid: boolean }[] = [];
  for (const name of (await listDir(projectsDir, diags, false)) ?? []) {
    if (name.startsWith(".")) continue;
    const pdir = join(projectsDir, name);
    const info = statOrUndefined(pdir);
    if (!info?.isDirectory()) {
      diags.push(error(pdir, 1, 1, "expected a project directory holding project.yaml"));
      continue;
    }
    projectIds.add(name);
    const file = join(pdir, "project.yaml");
    const planFile = join(pdir, "plan.yaml");
    const statusFile = join(pdir, "status.yaml");
    const project = await load<Project>(file, "project");
    const plan = (await exists(planFile)) ? await load<Plan>(planFile, "plan") : undefined;
    const status = (await exists(statusFile)) ? await load<Status>(statusFile, "status") : undefined;
    if (!project?.valid) continue;
    const lp: LoadedProject = {
      id: name,
      dir: pdir,
      file,
      spec: project.value,
      planFile,
      statusFile,
      outputs: new Map(),
      ...(plan?.valid ? { plan: plan.value } : {}),
      ...(status?.valid ? { status: status.value } : {}),
    };
    projects.set(name, lp);
    planned.push({ project: lp, valid: (plan?.valid ?? true) && (status?.valid ?? true) });
  }

  if (!agency?.valid) return fail(diags);

  // Memory (agency/memory/): every file is validated like a spec, so a bad hand edit is a located error, not a
  // lesson silently missing from every prompt.
  const memory = new Map<string, MemoryEntry[]>();
  const memoryIds = new Map<string, string>();
  const memoryDir = join(dir, "memory");
  const readMemory = async (rel: string) => {
    const file = join(memoryDir, rel);
    const m = await load<Memory>(file, "memory");
    if (!m?.valid) return;
    m.value.entries.forEach((e, i) => {
      const first = memoryIds.get(e.id);
      if (first) diags.push(error(file, ...locate(m.parsed, ["entries", i, "id"]), `memory entry id '${e.id}' is used twice (first in ${first}); ids must be unique across agency/memory`));
      else memoryIds.set(e.id, rel);
    });
    // Keyed as .yaml whatever the file's spelling (.yml too): scopes name memory files one way.
    const key = rel.replace(/\.yml$/, ".yaml");
    if (memory.has(key)) diags.push(error(file, 1, 1, `memory file ${key} exists twice (.yaml and .yml): keep one`));
    memory.set(key, m.value.entries);
  };
  for (const name of (await listDir(memoryDir, diags, false)) ?? []) if (YAML_FILE.test(name)) await readMemory(name);
  for (const name of (await listDir(join(memoryDir, "analyses"), diags, false)) ?? []) if (YAML_FILE.test(name)) await readMemory(`analyses/${name}`);
  for (const name of (await listDir(join(memoryDir, "roles"), diags, false)) ?? []) {
    if (name.startsWith(".")) continue;
    if (!YAML_FILE.test(name)) {
      diags.push(warning(join(memoryDir, "roles", name), 1, 1, name.endsWith(".md") ? "ignored: role memory is roles/<role>.yaml, a list of entries (schemas/memory.schema.json); move its lessons into entries" : "ignored: role memory files must end in .yaml"));
      continue;
    }
    if (!roleIds.has(name.replace(YAML_FILE, ""))) diags.push(warning(join(memoryDir, "roles", name), 1, 1, `no role '${name.replace(YAML_FILE, "")}' in roles/: this memory reaches no prompt`));
    await readMemory(`roles/${name}`);
  }
  const inputFiles = new Map<string, string>();
  const root = dirname(dir);
  for (const r of agency.value.resources ?? []) if (r.path) hashInput(inputFiles, resolve(root, r.path));
  for (const p of projects.values()) {
    for (const r of p.spec.resources ?? []) if (r.path) hashInput(inputFiles, resolve(root, r.path));
    for (const s of p.plan?.streams ?? []) for (const t of s.tasks) for (const i of t.inputs ?? []) if (i.file) hashInput(inputFiles, resolve(p.dir, i.file));
  }
  const model: AgencyModel = { dir, file: agencyFile, spec: agency.value, roles, projects, memory, inputFiles };
  for (const d of crossCheck(model, sources, { roleIds, projectIds, rolesUnreadable })) diags.push(d);
  if (hasErrors(diags)) return fail(diags);
  // Outputs are observed only once every check has passed: observers build branch names from project and stream
  // ids, and an id that is not one (a folder named `Launch`, a reserved stream id) is a located error, not a throw.
  const observe = opts.observeOutputs ?? observeOutputsOnDisk;
  for (const { project } of planned) project.outputs = await observe(project);
  return { ok: true, model: deepFreeze(model), warnings: sortDiagnostics(diags) };
}

/**
 * Parsed and validated files by path, reused while their text is unchanged: a run re-loads the agency after every
 * finished action, and only status.yaml (and rarely plan.yaml) changes between loads. Keyed on the full text, so a
 * hit is exactly what parsing again would give; values are frozen by the model, so sharing them is safe.
 */
const parsedCache = new Map<string, { text: string; kind: SpecKind; parsed: ParsedYaml | Diagnostic[]; problems: Diagnostic[] }>();
const MAX_CACHED_FILES = 10_000;

/** For measurements of a cold load (npm run bench), and for tests. */
export function clearParseCache(): void {
  parsedCache.clear();
}

function remember(file: string, kind: SpecKind, text: string) {
  const parsed = parseYaml(text, file);
  const problems = Array.isArray(parsed) ? [] : validateDoc(kind, parsed);
  if (parsedCache.size >= MAX_CACHED_FILES) parsedCache.clear();
  const entry = { text, kind, parsed, problems };
  parsedCache.set(file, entry);
  return entry;
}

function fail(diags: Diagnostic[]): LoadResult {
  return { ok: false, diagnostics: sortDiagnostics(diags) };
}

// The directory walk is synchronous, like the reads (source-file.ts): a load is a few dozen small metadata calls,
// and a run re-loads after every finished action, so it should not interleave with everything else in flight.
function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** lstat, not stat: a dangling link or a directory in a file's place must still be reported, not skipped. */
async function exists(path: string): Promise<boolean> {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Sorted entries; [] when absent and optional; undefined (with a diagnostic) when it cannot be listed. */
async function listDir(path: string, diags: Diagnostic[], required: boolean): Promise<string[] | undefined> {
  try {
    return readdirSync(path).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return [];
    if (code === "ENOTDIR") diags.push(error(path, 1, 1, "expected a directory"));
    else diags.push(error(path, 1, 1, `cannot list directory (${code ?? String(e)})`));
    return undefined;
  }
}

/** Hashes the outputs the plan declares, so downstream fingerprints notice a human editing an upstream file. */
export async function observeOutputsOnDisk(project: LoadedProject): Promise<Map<string, OutputFile>> {
  const out = new Map<string, OutputFile>();
  for (const stream of project.plan?.streams ?? []) {
    for (const task of stream.tasks) {
      for (const o of task.outputs) {
        const bytes = readIfFile(join(project.dir, "outputs", stream.id, o.path));
        if (bytes) out.set(outputKey(stream.id, o.path), { blob: gitBlobId(bytes), bytes: bytes.length });
      }
    }
  }
  return out;
}

function hashInput(out: Map<string, string>, file: string): void {
  const bytes = readIfFile(file);
  if (bytes) out.set(file, gitBlobId(bytes));
}

/** The id git gives this content as a blob: sha1("blob <size>\0" + content). */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Outputs larger than this are not read into memory for hashing (and would not fit a prompt anyway). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

function readIfFile(path: string): Buffer | undefined {
  try {
    // stat first: a FIFO or a link to /dev/zero in place of an output must not hang or exhaust memory.
    // Not there yet is the common case (an output before its task ran, or one on an unmerged branch): no exception.
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info?.isFile() || info.size > MAX_OUTPUT_BYTES) return undefined;
    return readFileSync(path);
  } catch {
    return undefined; // missing (not produced yet): there is no output to hash
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
