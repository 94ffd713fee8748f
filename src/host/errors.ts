// Errors the host raises. LoadError carries the message the emulated proxy would log.

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

/** Thrown from a host function to trap the VM (propagates through wasm frames to the callback boundary). */
export class HostTrap extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostTrap";
  }
}

export function trapMessage(e: unknown): string {
  if (e instanceof HostTrap) return e.message;
  if (e instanceof WebAssembly.RuntimeError) return `Uncaught RuntimeError: ${e.message}`;
  if (e instanceof Error) return `Uncaught ${e.name}: ${e.message}`;
  return String(e);
}
