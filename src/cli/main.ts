// `cors-proxy-wasm` — the command users touch first.
//   serve    the dev proxy: the real .wasm in front of an upstream
//   envoy    the real .wasm in the pinned real Envoy, in front of an upstream
//   check    run a configuration through the filter's own proxy_on_configure
//   explain  what the filter decides for one request, and the exact headers it sends
//   render   the file that runs the filter on a platform (src/platforms)
//   oci      the filter as an OCI image (src/deploy)
//   convert  another gateway's CORS configuration → this filter's, every difference named (src/convert)
// Every command writes through an `Io` (./io.ts) and returns its exit status; a UsageError is exit status 2,
// any other error exit status 1, each with one line on stderr.
import { UsageError } from "./args.js";
import { defaultIo, type Io } from "./io.js";
import { USAGE } from "./usage.js";
import { runServe } from "./serve.js";
import { runEnvoy } from "./envoy.js";
import { runCheck } from "./check.js";
import { runExplain } from "./explain.js";
import { runRender } from "./render.js";
import { runOci } from "./oci.js";
import { runConvert } from "./convert.js";

export type Command = (argv: string[], io: Io) => Promise<number>;

export const COMMANDS: Record<string, Command> = {
  serve: runServe,
  envoy: runEnvoy,
  check: runCheck,
  explain: runExplain,
  render: runRender,
  oci: runOci,
  convert: runConvert,
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    io.err(`cors-proxy-wasm: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cors-proxy-wasm ${command}: ${e.message}\n(see cors-proxy-wasm --help)\n`);
      return 2;
    }
    io.err(`cors-proxy-wasm ${command}: ${(e as Error).message ?? e}\n`);
    return 1;
  }
}
