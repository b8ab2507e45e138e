/** Checks of numeric options shared by the library entry points: one wording for every flag. */
import { InputError } from "../errors.js";

/** A whole number ≥ 1, or undefined when not given; `flag` names it in the error ("--requests"). */
export function positiveInteger(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) throw new InputError(`${flag} must be a whole number ≥ 1, got ${value}`);
  return value;
}
