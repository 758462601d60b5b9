// Every template under templates/ by name, with the view it renders. `Templates.render` accepts only these names and
// their views, so a renamed template or a missing view key fails to compile rather than at run time (templates
// render in strict mode). System prompts take the view models of views.ts; the others list the keys their template
// reads (the values are shaped by their one caller).
import type { collaboratorView, learningView, pmView, specialistView } from "./views.ts";
import type { ReportView } from "../metrics/report-view.ts";

type Keys<K extends string> = Record<K, unknown>;

export interface TemplateViews {
  "pm.system": ReturnType<typeof pmView>;
  "collaborator.system": ReturnType<typeof collaboratorView>;
  "specialist.system": ReturnType<typeof specialistView>;
  "learning.system": ReturnType<typeof learningView>;
  "pm.propose": { minOptions: number; maxOptions: number; budget: string | null; feedback: readonly unknown[] };
  "pm.decompose": Keys<"option" | "roleIds" | "criteria" | "resources" | "tiers" | "deliverable">;
  "pm.blocker": Keys<"stream" | "task" | "blocker" | "roles" | "earlier">;
  "pm.assemble": Keys<"deliverable" | "streams" | "feedback">;
  "learning.review": Keys<"project" | "roles" | "people" | "tiers">;
  "collaborator.verify-task": Keys<"specialist" | "task" | "files" | "questions" | "round" | "maxRounds" | "lastRound">;
  "collaborator.verify-stream": Keys<"stream" | "tasks" | "firstTask">;
  "specialist.task": Keys<"task" | "upstream" | "resources" | "feedback" | "previous">;
  "pr/plan": Keys<"project" | "summary" | "options" | "recommended" | "otherOptions" | "basedOn" | "streams" | "mermaid" | "tasks" | "meta">;
  "pr/stream": Keys<"project" | "stream" | "criteria" | "tasks" | "logs" | "meta">;
  "pr/learning": Keys<"project" | "director" | "analysis" | "meta">;
  "pr/assembly": Keys<"project" | "director" | "deliverable" | "summary" | "openQuestions" | "streams" | "metrics" | "meta">;
  "pr/status-comment": Keys<"marker" | "stage" | "at" | "summary" | "rows" | "blocked">;
  report: ReportView;
  "report.html": Keys<"generatedAt" | "projects" | "configs" | "chartJs">;
}

export type TemplateName = keyof TemplateViews;

export const TEMPLATE_NAMES: readonly TemplateName[] = [
  "pm.system", "collaborator.system", "specialist.system", "learning.system", "pm.propose", "pm.decompose", "pm.blocker", "pm.assemble", "learning.review",
  "collaborator.verify-task", "collaborator.verify-stream", "specialist.task", "pr/plan", "pr/stream", "pr/assembly", "pr/learning", "pr/status-comment", "report", "report.html",
];
