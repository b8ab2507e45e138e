/** Library API (DESIGN.md §7): the CLI is a thin layer over these. */
export * from "./errors.js";
export * from "./model/document.js";
export * from "./model/summary.js";
export * from "./model/plan.js";
export * from "./model/batch.js";
