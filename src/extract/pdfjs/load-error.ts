/** Maps pdf.js load failures (by name: they cross threads as plain objects) to our one-line errors. */
import { EncryptedError, InputError } from "../../errors.js";

export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function loadError(file: string, err: unknown, password?: string): Error {
  const name = (err as { name?: string } | null)?.name ?? "";
  let message = oneLine((err as { message?: string } | null)?.message ?? String(err));
  if (message.startsWith(`${file}: `)) message = message.slice(file.length + 2);
  if (name === "PasswordException") {
    return new EncryptedError(password ? `${file}: encrypted PDF, the password is wrong` : `${file}: encrypted PDF, pass --password`, file);
  }
  // already mapped inside the worker
  if (name === "EncryptedError") return new EncryptedError(`${file}: ${message}`, file);
  if (name === "InputError") return new InputError(`${file}: ${message}`, file);
  if (name === "InvalidPDFException") return new InputError(`${file}: not a valid PDF (${message})`, file);
  return new InputError(`${file}: cannot read PDF (${message || name || "unknown error"})`, file);
}
