// `cors-proxy-wasm oci --wasm build/cors.wasm --out build/oci`: the filter as an OCI image (src/deploy/oci.ts).
import { readFileSync } from "node:fs";
import { parseArgs } from "./args.js";
import { defaultWasm } from "./defaults.js";
import type { Io } from "./io.js";
import { OCI_USAGE } from "./usage.js";
import { MEDIA_TYPES, writeOciImage } from "../deploy/oci.js";

/** Exit status 0 written, 1 failure (an unreadable module, a directory that is not a layout), 2 usage. */
export async function runOci(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { values: ["wasm", "out", "tag", "archive"], flags: ["help"], positionals: 0 });
  if (a.flags.has("help")) {
    io.out(OCI_USAGE);
    return 0;
  }
  // the module: the package's own by default, as serve, envoy and check find it; the image is an output, written
  // relative to the working directory (from the repository root, `make oci`'s build/oci)
  const wasmPath = a.values.get("wasm") ?? defaultWasm;
  const out = a.values.get("out") ?? "build/oci";
  let wasm: Buffer;
  try {
    wasm = readFileSync(wasmPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(
      `cors-proxy-wasm oci: cannot read ${wasmPath}: ${code ?? (e as Error).message}` +
        (code === "ENOENT" ? " (run `make build` first)" : "") +
        "\n",
    );
    return 1;
  }
  const img = writeOciImage(wasm, out, { tag: a.values.get("tag"), archive: a.values.get("archive") });
  const archiveShown = a.values.get("archive") ?? `${out.replace(/\/+$/, "")}.tar`;
  io.out(
    `wrote the OCI image layout ${out} (tag ${img.tag}) and its tarball ${archiveShown}\n` +
      `  manifest    ${img.manifest.digest} (${img.manifest.size} bytes)\n` +
      `  layer       ${img.layer.digest} (${img.layer.size} bytes, ${MEDIA_TYPES.layer}: plugin.wasm)\n` +
      `  plugin.wasm ${img.wasmDigest} (${wasm.length} bytes)\n` +
      `push it with one of:\n` +
      `  oras cp --from-oci-layout ${out}:${img.tag} REGISTRY/REPOSITORY:${img.tag}\n` +
      `  skopeo copy oci:${out}:${img.tag} docker://REGISTRY/REPOSITORY:${img.tag}\n` +
      `and reference it as url: oci://REGISTRY/REPOSITORY:${img.tag} (Higress, Istio) or\n` +
      `code.image.url: REGISTRY/REPOSITORY:${img.tag} (Envoy Gateway); see docs/deploy.md.\n`,
  );
  return 0;
}
