// The JSON Schemas of agent replies, from schemas/replies/, made strict for `response_format: json_schema`, and
// specialised per request from the loaded agency and the action: whatever the engine would reject afterwards and a
// schema can say (the routing criteria, roles, resources and tiers that exist; the files a task writes; the option
// ids a reply may use) is said in the schema, so a server that constrains decoding to it cannot get it wrong. What a
// schema cannot say (unique ids, references to ids declared in the same reply) is checked in reply-checks.ts.
import pmAssembly from "../../schemas/replies/pm-assembly.schema.json" with { type: "json" };
import pmBlocker from "../../schemas/replies/pm-blocker.schema.json" with { type: "json" };
import pmDecomposition from "../../schemas/replies/pm-decomposition.schema.json" with { type: "json" };
import pmOptions from "../../schemas/replies/pm-options.schema.json" with { type: "json" };
import specialistWork from "../../schemas/replies/specialist-work.schema.json" with { type: "json" };
import collaboratorVerdict from "../../schemas/replies/collaborator-verdict.schema.json" with { type: "json" };
import answer from "../../schemas/replies/answer.schema.json" with { type: "json" };
import learningReview from "../../schemas/replies/learning-review.schema.json" with { type: "json" };
import { toStrictSchema, type JSONSchema } from "../llm/index.ts";
import type { AnswerReply, CollaboratorVerdict, LearningReviewReply, PmAssemblyReply, PmBlockerReply, PmDecompositionReply, PmOptionsReply, SpecialistWorkReply } from "../agency/types.gen.ts";

/** Each reply by name, with the type its schema (schemas/replies/) generates: callAgent's return type follows it. */
export interface Replies {
  pm_options: PmOptionsReply;
  pm_decomposition: PmDecompositionReply;
  pm_blocker: PmBlockerReply;
  pm_assembly: PmAssemblyReply;
  specialist_work: SpecialistWorkReply;
  collaborator_verdict: CollaboratorVerdict;
  answer: AnswerReply;
  learning_review: LearningReviewReply;
}

export type ReplyName = keyof Replies;

const RAW: Record<ReplyName, object> = {
  pm_options: pmOptions,
  pm_decomposition: pmDecomposition,
  pm_blocker: pmBlocker,
  pm_assembly: pmAssembly,
  specialist_work: specialistWork,
  collaborator_verdict: collaboratorVerdict,
  answer,
  learning_review: learningReview,
};

/** The most options the PM may propose; their ids are option-1 … option-N. */
export const MAX_OPTIONS = 5;

const cache = new Map<ReplyName, JSONSchema>();

/** Without $schema/$id (providers reject or ignore them), strict: every property required, objects closed. */
export function replySchema(name: ReplyName): JSONSchema {
  let s = cache.get(name);
  if (!s) {
    const { $schema: _s, $id: _i, ...rest } = RAW[name] as Record<string, unknown>;
    s = toStrictSchema(rest as JSONSchema);
    cache.set(name, s);
  }
  return s;
}

type Node = { [k: string]: unknown };
const at = (node: unknown, ...path: string[]): Node => path.reduce((n, k) => (n as Node)[k] as Node, node as Node);

/**
 * The same specialised schema object for the same scope, so the validator compiled for it (json-validator.ts keys
 * on the object) is reused across requests. Bounded: an agency has few distinct scopes per process.
 */
const specialised = new Map<string, JSONSchema>();
function memo(key: string, make: () => JSONSchema): JSONSchema {
  let s = specialised.get(key);
  if (!s) {
    if (specialised.size > 500) specialised.clear();
    s = make();
    specialised.set(key, s);
  }
  return s;
}

/** Option ids are option-1 … option-N and the recommendation is one of them: both enums. */
export function pmOptionsSchema(maxOptions = MAX_OPTIONS): JSONSchema {
  return memo(`pm_options:${maxOptions}`, () => {
    const s = structuredClone(replySchema("pm_options"));
    const ids = Array.from({ length: maxOptions }, (_, i) => `option-${i + 1}`);
    const options = at(s, "properties", "options");
    options.maxItems = maxOptions;
    at(options, "items", "properties").id = { type: "string", enum: ids };
    at(s, "properties").recommended = { type: "string", enum: ids };
    return s;
  });
}

export interface DecompositionScope {
  /** Routing criteria ids, in the agency's order. */
  criteria: readonly string[];
  /** Roles that exist now; a new role is declared in the same reply (newRoles) and checked afterwards. */
  roles: readonly string[];
  /** Resource ids a task may be handed: the project's and the agency's. */
  resources: readonly string[];
  tiers: readonly string[];
}

const ID_PATTERN = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

export function pmDecompositionSchema(scope: DecompositionScope): JSONSchema {
  return memo(`pm_decomposition:${JSON.stringify(scope)}`, () => {
    const s = structuredClone(replySchema("pm_decomposition"));
    const task = at(s, "properties", "streams", "items", "properties", "tasks", "items", "properties");
    // An existing role by name, or the id of one declared in newRoles (an enum cannot hold those: checked after).
    task.role = scope.roles.length ? { anyOf: [{ type: "string", enum: [...scope.roles] }, { type: "string", pattern: ID_PATTERN }] } : { type: "string", pattern: ID_PATTERN };
    const inputs = at(task, "inputs");
    if (scope.resources.length) {
      inputs.items = { type: "string", enum: [...scope.resources] };
      inputs.maxItems = scope.resources.length;
    } else inputs.maxItems = 0;
    task.tier = { type: ["string", "null"], enum: [null, ...scope.tiers] };
    const scores = at(task, "scores");
    at(scores, "items", "properties").criterion = { type: "string", enum: [...scope.criteria] };
    scores.maxItems = scope.criteria.length;
    return s;
  });
}

/** Exactly the task's output files: each path one of them, as many files as outputs. */
export function specialistWorkSchema(outputs: readonly string[]): JSONSchema {
  return memo(`specialist_work:${JSON.stringify(outputs)}`, () => {
    const s = structuredClone(replySchema("specialist_work"));
    const files = at(s, "properties", "files");
    files.minItems = outputs.length;
    files.maxItems = outputs.length;
    at(files, "items", "properties").path = { type: "string", enum: [...outputs], description: "One of the output paths the task asked for; each exactly once." };
    return s;
  });
}

/** The most lessons, and the most role edits, one review may propose. */
export const MAX_PROPOSALS = 10;

/** Every role a score, lesson or edit names is one that worked on the project. */
/** `mergeable`: per role over its memory cap, the ids of its entries the review may merge into summaries. */
export function learningReviewSchema(roles: readonly string[], mergeable: Readonly<Record<string, readonly string[]>> = {}): JSONSchema {
  return memo(`learning_review:${JSON.stringify(roles)}:${JSON.stringify(mergeable)}`, () => {
    const s = structuredClone(replySchema("learning_review"));
    const role = { type: "string", enum: [...roles] };
    for (const list of ["scores", "lessons", "roleEdits"]) at(s, "properties", list, "items", "properties").role = role;
    const over = Object.keys(mergeable).filter((r) => mergeable[r]!.length >= 2);
    // Only roles over their cap may be summarised, and only with their own entries' ids (post-checked per role).
    if (over.length) {
      at(s, "properties", "merges", "items", "properties").role = { type: "string", enum: over };
      at(s, "properties", "merges", "items", "properties", "replaces").items = { type: "string", enum: over.flatMap((r) => mergeable[r]!) };
      at(s, "properties", "merges").maxItems = MAX_PROPOSALS;
    } else at(s, "properties", "merges").maxItems = 0;
    // Bounds kept out of the file: json-schema-to-typescript would type bounded arrays as tuples.
    at(s, "properties", "scores").maxItems = roles.length;
    for (const list of ["lessons", "roleEdits", "observations"]) {
      at(s, "properties", list).maxItems = MAX_PROPOSALS;
      at(s, "properties", list, "items", "properties", "evidence").maxItems = 5;
    }
    return s;
  });
}
