// Where the command's text goes and where `-` (standard input) comes from. Every command writes through an
// `Io`, so tests (and embedders) run the CLI in-process: `memoryIo` collects what a command prints and feeds
// it a given standard input.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input, as UTF-8 text (read when a command is given the file name `-`). */
  stdin(): Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export const defaultIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  stdin: () => readAll(process.stdin),
};

export interface MemoryIo extends Io {
  /** Everything written to standard output so far. */
  stdout(): string;
  /** Everything written to standard error so far. */
  stderr(): string;
}

/** An `Io` that keeps the output in memory and hands `input` to whoever reads standard input. */
export function memoryIo(input = ""): MemoryIo {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    stdin: async () => input,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** The file name that means standard input (`render … --config -`, `check -`). */
export const STDIN = "-";
