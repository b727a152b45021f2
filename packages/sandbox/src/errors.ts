/** Errors of the sandbox itself (bad options, a taken port), with a stable code. */
export class SandboxError extends Error {
  override readonly name = "SandboxError";
  readonly code: "port_in_use" | "invalid_options" | "unknown_provider";
  constructor(code: SandboxError["code"], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
