/** The one rule for numeric options (a whole number ≥ 1), worded the same for every flag. */
import { InputError } from "../errors.js";

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1;
}

/** A whole number ≥ 1, or undefined when not given; `flag` names it in the error ("--requests"). */
export function positiveInteger(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!isPositiveInteger(value)) throw new InputError(`${flag} must be a whole number ≥ 1, got ${value}`);
  return value;
}
