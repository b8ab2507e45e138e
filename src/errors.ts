/** Exit codes are part of the CLI contract (DESIGN.md §1). */
import { showPaths, shownPath } from "./io/stand-in-paths.js";
export const ExitCode = {
  ok: 0,
  someFailed: 1,
  badInput: 2,
  encrypted: 3,
  providerRefused: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user should see as one line, with the exit code it maps to. */
export class LongdocError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Unreadable, malformed or unsupported input, or bad usage (exit 2). */
export class InputError extends LongdocError {
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.badInput, file, options);
  }
}

/** Encrypted input without a (correct) password (exit 3). */
export class EncryptedError extends LongdocError {
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.encrypted, file, options);
  }
}

/**
 * Failures of a model call. Every message is one line, names the provider and the request id,
 * and never contains the API key (the key is only ever in a request header).
 */
export class ProviderError extends LongdocError {
  constructor(
    message: string,
    /** HTTP status, or undefined for network failures and timeouts */
    readonly status?: number,
    options?: { cause?: unknown; exitCode?: ExitCodeValue },
  ) {
    super(message, options?.exitCode ?? ExitCode.someFailed, undefined, options);
  }
}

/** The provider refused: auth, quota, permission (exit 4). Every later request would be refused alike. */
export class ProviderRefusedError extends ProviderError {
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, status, { ...options, exitCode: ExitCode.providerRefused });
  }
}

/** One line for a person: "file: cause". Never a stack trace. */
export function formatError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const oneLine = showPaths(message.replace(/\s*\n\s*/g, " ").trim()) || "unknown error";
  const file = err instanceof LongdocError && err.file ? shownPath(err.file) : undefined;
  if (file && !oneLine.includes(file)) return `${file}: ${oneLine}`;
  return oneLine;
}

export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof LongdocError ? err.exitCode : ExitCode.someFailed;
}
