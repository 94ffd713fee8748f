// `oci`: the image layout is read back the way a registry client and Istio's image fetcher read it — every
// digest and size checked, the last layer gunzipped (node:zlib) and untarred, plugin.wasm byte-identical —
// and the same module always gives the same manifest digest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";
import { buildOciImage, gzipStored, tar, writeOciImage, MEDIA_TYPES } from "../../src/deploy/oci.js";
import { VERSION } from "../../src/version.js";
import { lcg32 } from "../cases/prng.js";
import { ROOT } from "./examples.js";
import { WASM_PATH } from "./helpers.js";

type Obj = { [key: string]: unknown };

const sha = (b: Uint8Array) => "sha256:" + createHash("sha256").update(b).digest("hex");

/** A small valid-looking module of `size` bytes (magic + version + filler). */
function fakeWasm(size: number, seed = 1): Uint8Array {
  const b = new Uint8Array(size);
  b.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const next = lcg32(seed);
  for (let i = 8; i < size; i++) b[i] = next() >>> 24;
  return b;
}

interface TarFile {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Buffer;
}

/** A strict ustar reader: checksums verified, sizes honoured, two zero blocks at the end. */
function untar(buf: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let o = 0;
  const num = (start: number, len: number) => parseInt(buf.toString("ascii", o + start, o + start + len).replace(/\0.*$/, "").trim() || "0", 8);
  while (o + 512 <= buf.length) {
    const block = buf.subarray(o, o + 512);
    if (block.every((b) => b === 0)) {
      assert.ok(buf.subarray(o, o + 1024).every((b) => b === 0) && o + 1024 <= buf.length, "two zero blocks end the archive");
      return files;
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
    assert.equal(num(148, 8), sum, "header checksum");
    assert.equal(buf.toString("ascii", o + 257, o + 263), "ustar\0", "ustar magic");
    const name = buf.toString("utf8", o, o + 100).replace(/\0.*$/s, "");
    const size = num(124, 12);
    const type = String.fromCharCode(block[156]);
    files.push({ name, type, mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: num(136, 12), data: buf.subarray(o + 512, o + 512 + size) });
    o += 512 + Math.ceil(size / 512) * 512;
  }
  assert.fail("archive ended without its two zero blocks");
}

interface ReadBack {
  manifestDigest: string;
  wasm: Buffer;
  layerFiles: TarFile[];
  manifest: Obj;
  config: Obj;
}

/** Reads an OCI image layout directory the way a client does, checking everything on the way. */
function readLayout(dir: string, tag: string): ReadBack {
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as Obj;
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, MEDIA_TYPES.index);
  const manifests = index.manifests as Obj[];
  assert.equal(manifests.length, 1);
  const desc = manifests[0];
  assert.equal((desc.annotations as Obj)["org.opencontainers.image.ref.name"], tag);
  const used = new Set<string>();
  const blob = (d: Obj, mediaType: string): Buffer => {
    assert.equal(d.mediaType, mediaType);
    const digest = String(d.digest);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    const b = readFileSync(join(dir, "blobs", "sha256", digest.slice(7)));
    assert.equal(b.length, d.size, `size of ${digest}`);
    assert.equal(sha(b), digest, `digest of ${digest}`);
    used.add(digest.slice(7));
    return b;
  };
  const manifest = JSON.parse(blob(desc, MEDIA_TYPES.manifest).toString("utf8")) as Obj;
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.mediaType, MEDIA_TYPES.manifest);
  const config = JSON.parse(blob(manifest.config as Obj, MEDIA_TYPES.config).toString("utf8")) as Obj;
  assert.equal(typeof config.architecture, "string");
  assert.equal(typeof config.os, "string");
  const layers = manifest.layers as Obj[];
  assert.ok(layers.length >= 1);
  // Istio / Higress / Envoy Gateway: the LAST layer, a tar+gzip holding a file whose basename is plugin.wasm
  const layerBlob = blob(layers[layers.length - 1], MEDIA_TYPES.layer);
  const layerTar = gunzipSync(layerBlob);
  const rootfs = config.rootfs as Obj;
  assert.equal(rootfs.type, "layers");
  assert.deepEqual(rootfs.diff_ids, [sha(layerTar)], "diff_ids = digest of the uncompressed layer");
  const layerFiles = untar(layerTar);
  const wasmEntry = layerFiles.find((f) => f.name.split("/").pop() === "plugin.wasm");
  assert.ok(wasmEntry !== undefined, "plugin.wasm in the layer");
  // nothing in the layout but what the index reaches
  assert.deepEqual(readdirSync(join(dir, "blobs", "sha256")).sort(), [...used].sort());
  return { manifestDigest: String(desc.digest), wasm: wasmEntry.data, layerFiles, manifest, config };
}

test("the image holds plugin.wasm byte for byte, every digest and size right", () => {
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  try {
    const wasm = fakeWasm(200_003); // > 3 stored deflate blocks
    writeOciImage(wasm, join(dir, "oci"), { tag: "1.2.3" });
    const r = readLayout(join(dir, "oci"), "1.2.3");
    assert.ok(Buffer.from(wasm).equals(r.wasm));
    assert.equal(r.layerFiles.length, 1);
    const f = r.layerFiles[0];
    assert.deepEqual([f.name, f.type, f.mode, f.uid, f.gid, f.mtime], ["plugin.wasm", "0", 0o644, 0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reproducible: two runs, two directories, the same bytes and the same manifest digest", () => {
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  try {
    const wasm = fakeWasm(70_000, 7);
    const a = writeOciImage(wasm, join(dir, "a"));
    const b = writeOciImage(new Uint8Array(wasm), join(dir, "b"));
    assert.equal(a.manifest.digest, b.manifest.digest);
    for (const f of a.files) {
      assert.ok(readFileSync(join(dir, "a", f.path)).equals(readFileSync(join(dir, "b", f.path))), f.path);
    }
    assert.ok(readFileSync(join(dir, "a.tar")).equals(readFileSync(join(dir, "b.tar"))), "tarballs");
    // and a different module gives a different digest
    assert.notEqual(buildOciImage(fakeWasm(70_000, 8)).manifest.digest, a.manifest.digest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the tarball holds the same layout", () => {
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  try {
    const wasm = fakeWasm(1000);
    const img = writeOciImage(wasm, join(dir, "oci"), { archive: join(dir, "image.tar") });
    const entries = untar(readFileSync(join(dir, "image.tar")));
    const files = entries.filter((e) => e.type === "0");
    assert.deepEqual(
      files.map((e) => e.name),
      img.files.map((f) => f.path),
    );
    const out = join(dir, "extracted");
    mkdirSync(out);
    for (const e of entries) {
      if (e.type === "5") mkdirSync(join(out, e.name), { recursive: true });
      else writeFileSync(join(out, e.name), e.data);
    }
    const r = readLayout(out, img.tag);
    assert.equal(r.manifestDigest, img.manifest.digest);
    assert.ok(Buffer.from(wasm).equals(r.wasm));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("rewriting a layout drops the old blobs; a directory that is not a layout is left alone", () => {
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  try {
    writeOciImage(fakeWasm(500, 1), join(dir, "oci"), { archive: null });
    writeOciImage(fakeWasm(500, 2), join(dir, "oci"), { archive: null });
    readLayout(join(dir, "oci"), "0.1.0"); // asserts that only reachable blobs remain
    mkdirSync(join(dir, "other"));
    writeFileSync(join(dir, "other", "precious.txt"), "keep me");
    assert.throws(() => writeOciImage(fakeWasm(500), join(dir, "other")), /not an OCI image layout/);
    assert.equal(readFileSync(join(dir, "other", "precious.txt"), "utf8"), "keep me");
    assert.throws(() => buildOciImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a WebAssembly module/);
    assert.throws(() => buildOciImage(fakeWasm(100), { tag: "bad tag" }), /invalid tag/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gzip and tar building blocks agree with node:zlib and with the format", () => {
  for (const n of [0, 1, 511, 512, 65535, 65536, 131071]) {
    const data = fakeWasm(Math.max(n, 8)).subarray(0, n);
    assert.ok(gunzipSync(gzipStored(data)).equals(Buffer.from(data)), `gzip of ${n} bytes`);
  }
  const t = tar([{ name: "d/" }, { name: "d/x", data: Buffer.from("hello") }]);
  assert.equal(t.length % 512, 0);
  const e = untar(t);
  assert.deepEqual(e.map((x) => [x.name, x.type, x.data.toString()]), [["d/", "5", ""], ["d/x", "0", "hello"]]);
});

test("`cors-proxy-wasm oci --wasm build/cors.wasm --out DIR` (what make oci runs) packs the real module", async () => {
  assert.ok(existsSync(WASM_PATH), `${WASM_PATH} is missing: make test builds it first (make build)`);
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  try {
    const out = join(dir, "oci");
    const res = spawnSync(process.execPath, [join(ROOT, "bin", "cors-proxy-wasm.mjs"), "oci", "--wasm", WASM_PATH, "--out", out], {
      encoding: "utf8",
    });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /oras cp --from-oci-layout/);
    const r = readLayout(out, "0.1.0");
    assert.ok(readFileSync(WASM_PATH).equals(r.wasm), "plugin.wasm is build/cors.wasm");
    assert.ok(existsSync(out + ".tar"));
    // in-process too, same result
    const ociCommand = (argv: string[]) => main(["oci", ...argv], memoryIo());
    assert.equal(await ociCommand(["--wasm", WASM_PATH, "--out", join(dir, "again")]), 0);
    assert.equal(await ociCommand(["--bogus"]), 2);
    assert.equal(await ociCommand(["--wasm", join(dir, "missing.wasm"), "--out", join(dir, "x")]), 1);
    assert.equal(readLayout(join(dir, "again"), "0.1.0").manifestDigest, r.manifestDigest);
    // without --wasm, from another working directory: the package's own module (as serve, envoy and check
    // find theirs); --out's default is relative to the working directory
    const elsewhere = spawnSync(process.execPath, [join(ROOT, "bin", "cors-proxy-wasm.mjs"), "oci"], { cwd: dir, encoding: "utf8" });
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    assert.equal(readLayout(join(dir, "build", "oci"), "0.1.0").manifestDigest, r.manifestDigest);
    assert.ok(existsSync(join(dir, "build", "oci.tar")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Builds tests/deploy/ocicheck (go-containerregistry) into build/tools/ocicheck; fails, never skips, without Go. */
function buildOcicheck(): string {
  const out = join(ROOT, "build", "tools", "ocicheck");
  mkdirSync(join(ROOT, "build", "tools"), { recursive: true });
  const r = spawnSync("go", ["build", "-o", out, "."], {
    cwd: join(ROOT, "tests", "deploy", "ocicheck"),
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? "-mod=readonly" },
    timeout: 15 * 60 * 1000,
  });
  if (r.error) throw new Error(`cannot run 'go build' for tests/deploy/ocicheck: ${r.error.message} (Go must be on PATH)`);
  assert.equal(r.status, 0, `go build tests/deploy/ocicheck failed:\n${r.stderr}${r.stdout}`);
  return out;
}

test("go-containerregistry (what Istio, Higress and Envoy Gateway pull with) validates the image and finds plugin.wasm", () => {
  const tool = buildOcicheck();
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  try {
    const wasm = readFileSync(WASM_PATH);
    const img = writeOciImage(wasm, join(dir, "oci"), { archive: null });
    const ok = spawnSync(tool, [join(dir, "oci"), img.tag, WASM_PATH], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.trim(), `ok ${img.manifest.digest}`);
    // a flipped byte in the layer blob is caught (the check is not vacuous)
    const layerPath = join(dir, "oci", "blobs", "sha256", img.layer.digest.slice(7));
    const layer = readFileSync(layerPath);
    layer[layer.length - 20] ^= 0xff;
    writeFileSync(layerPath, layer);
    const bad = spawnSync(tool, [join(dir, "oci"), img.tag, WASM_PATH], { encoding: "utf8" });
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the default tag is the package's version (src/version.ts agrees with package.json)", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  assert.equal(VERSION, pkg.version);
  assert.equal(buildOciImage(readFileSync(WASM_PATH)).tag, pkg.version);
});
