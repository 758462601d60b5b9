// Conditions read through getters (Flux's `conditions.IsTrue(obj, meta.ReadyCondition)`): the rule for what a
// condition says lives here, and callers never spell `c.type === "Blocked" && c.status === "True"`.
import type { Condition } from "../agency/types.gen.ts";

type Conditions = readonly Condition[] | undefined;
type ConditionType = Condition["type"];

/** Whether this one condition is of the type and says True (for filters over a list). */
export const holds = (c: Condition, type: ConditionType): boolean => c.type === type && c.status === "True";

/** Whether this one condition is of the type and says False (`Ready=False` is how a failed action is shown). */
export const fails = (c: Condition, type: ConditionType): boolean => c.type === type && c.status === "False";

/** Whether a condition of this type is True in the list. */
export function isTrue(conditions: Conditions, type: ConditionType): boolean {
  return conditions?.some((c) => holds(c, type)) ?? false;
}

/** The condition of this type that is True in the list, for its reason and message. */
export function trueCondition(conditions: Conditions, type: ConditionType): Condition | undefined {
  return conditions?.find((c) => holds(c, type));
}

export const isBlocked = (conditions: Conditions): boolean => isTrue(conditions, "Blocked");

export const blockedCondition = (conditions: Conditions): Condition | undefined => trueCondition(conditions, "Blocked");
