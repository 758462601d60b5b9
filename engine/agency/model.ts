// The loaded, validated agency: what every later stage (plan, run, forge) reads. Built once, then frozen.
import type { Agency, MemoryEntry, Plan, Project, Role, Status } from "./types.gen.ts";
import type { ParsedYaml } from "./parse-yaml.ts";

export interface LoadedRole {
  id: string;
  file: string;
  spec: Role;
}

export interface LoadedProject {
  id: string;
  /** Absolute path of agency/projects/<id>. */
  dir: string;
  file: string;
  spec: Project;
  plan?: Plan;
  planFile: string;
  status?: Status;
  statusFile: string;
  /** Each declared task output present on disk, keyed by `<stream>/<path>`. */
  outputs: ReadonlyMap<string, OutputFile>;
}

export interface OutputFile {
  /** Git blob id of the content, so files on disk and files on a stream branch compare without reading. */
  blob: string;
  bytes: number;
}

/** Where a project's outputs are observed: the working tree by default, stream branches when git is at hand. */
export type OutputObserver = (project: LoadedProject) => Promise<ReadonlyMap<string, OutputFile>>;

export interface AgencyModel {
  /** Absolute path of the agency directory. */
  dir: string;
  file: string;
  spec: Agency;
  roles: ReadonlyMap<string, LoadedRole>;
  projects: ReadonlyMap<string, LoadedProject>;
  /**
   * agency/memory/ entries by file, relative to that folder: roles/<role>.yaml, collaboration.yaml,
   * project-manager.yaml, analyses/<project>.yaml (taught with /teach and `ateams teach`, kept by the L&P Manager).
   */
  memory: ReadonlyMap<string, readonly MemoryEntry[]>;
  /**
   * Git blob ids of the files tasks are handed as input, by absolute path: resources' `path` (relative to the
   * directory holding the agency) and tasks' `inputs: [{file}]` (relative to the project). Part of fingerprints.
   */
  inputFiles: ReadonlyMap<string, string>;
}

/** Parsed documents by file, kept so later checks can point at the exact line. */
export type Sources = ReadonlyMap<string, ParsedYaml>;

export function outputKey(stream: string, path: string): string {
  return `${stream}/${path}`;
}
