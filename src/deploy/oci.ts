// `cors-proxy-wasm oci --wasm build/cors.wasm --out build/oci`: the filter as an OCI image, without Docker.
//
// Writes an OCI image layout (oci-layout, index.json, blobs/sha256/…) and a tarball of that layout, holding
// one image the way Higress, Istio and Envoy Gateway fetch a Wasm plugin: an OCI manifest whose last (only)
// layer is `application/vnd.oci.image.layer.v1.tar+gzip`, a tar with the single file `plugin.wasm`
// (what `tar czf plugin.tar.gz plugin.wasm` + `oras push` produce in Higress's CI).
//
// Reproducible: the same .wasm gives the same bytes, and so the same manifest digest, on every machine.
// The tar entries have fixed mtime 0, uid/gid 0, mode 0644 and empty owner names; the gzip member has
// mtime 0 and OS byte 255, and holds the tar in stored (uncompressed) deflate blocks: compressed deflate
// output depends on the zlib build (Node's bundled zlib picks its hash function by CPU feature), stored
// blocks do not. Nothing else (time, user, host) enters any blob.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { VERSION } from "../version.js";

export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

export const WASM_FILE_NAME = "plugin.wasm";

export function sha256(data: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

// ---------------------------------------------------------------------------------------------------------
// tar (POSIX ustar), written by hand so that every header byte is fixed

export interface TarEntry {
  name: string;
  /** File contents; omit for a directory. */
  data?: Uint8Array;
}

function octal(value: number, width: number): string {
  // width - 1 octal digits, NUL-terminated (the ustar numeric field form)
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar: value ${value} does not fit in ${width} bytes`);
  return s.padStart(width - 1, "0") + "\0";
}

function tarHeader(name: string, size: number, type: "0" | "5"): Buffer {
  const h = Buffer.alloc(512, 0);
  const nameBytes = Buffer.from(name, "utf8");
  if (nameBytes.length > 100 || /[^\x20-\x7e]/.test(name)) throw new Error(`tar: unsupported entry name ${name}`);
  nameBytes.copy(h, 0);
  h.write(octal(type === "5" ? 0o755 : 0o644, 8), 100, "ascii"); // mode
  h.write(octal(0, 8), 108, "ascii"); // uid
  h.write(octal(0, 8), 116, "ascii"); // gid
  h.write(octal(size, 12), 124, "ascii"); // size
  h.write(octal(0, 12), 136, "ascii"); // mtime
  h.write("        ", 148, "ascii"); // chksum: spaces while summing
  h.write(type, 156, "ascii"); // typeflag
  h.write("ustar\0", 257, "ascii"); // magic
  h.write("00", 263, "ascii"); // version
  h.write(octal(0, 8), 329, "ascii"); // devmajor
  h.write(octal(0, 8), 337, "ascii"); // devminor
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return h;
}

/** A ustar archive of `entries`, in the given order, ending with the two zero blocks. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.data === undefined) {
      parts.push(tarHeader(e.name.endsWith("/") ? e.name : e.name + "/", 0, "5"));
      continue;
    }
    parts.push(tarHeader(e.name, e.data.length, "0"));
    parts.push(Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad > 0) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------------------
// gzip (RFC 1952) with stored deflate blocks (RFC 1951 §3.2.4)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A gzip member holding `data` uncompressed: byte-identical wherever it is produced. */
export function gzipStored(data: Uint8Array): Buffer {
  const MAX = 65535;
  const blocks = Math.max(1, Math.ceil(data.length / MAX));
  const out = Buffer.alloc(10 + blocks * 5 + data.length + 8);
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown)
  Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]).copy(out, 0);
  let o = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX;
    const len = Math.min(MAX, data.length - start);
    out[o++] = b === blocks - 1 ? 0x01 : 0x00; // BFINAL, BTYPE=00 (stored)
    out.writeUInt16LE(len, o);
    out.writeUInt16LE(~len & 0xffff, o + 2);
    o += 4;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  out.writeUInt32LE(crc32(data), o);
  out.writeUInt32LE(data.length >>> 0, o + 4);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// the image

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciImage {
  /** Every file of the layout, by path relative to the layout directory, in a fixed order. */
  files: Array<{ path: string; data: Buffer }>;
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
  /** sha256 of plugin.wasm itself (what a `sha256:` pin of the raw module checks). */
  wasmDigest: string;
  /** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  tag: string;
}

export interface OciOptions {
  /** Tag recorded as org.opencontainers.image.ref.name in index.json (default: the package version). */
  tag?: string;
}

/** Canonical JSON bytes of a blob (no whitespace; key order as written here). */
function jsonBlob(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Builds the image in memory: pure, deterministic. */
export function buildOciImage(wasm: Uint8Array, options: OciOptions = {}): OciImage {
  const tag = options.tag ?? VERSION;
  if (!TAG_RE.test(tag)) throw new Error(`invalid tag "${tag}" (OCI tags: [A-Za-z0-9_][A-Za-z0-9._-]{0,127})`);
  if (wasm.length < 8 || wasm[0] !== 0x00 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new Error("not a WebAssembly module (no \\0asm magic)");
  }
  const layerTar = tar([{ name: WASM_FILE_NAME, data: wasm }]);
  const layerBlob = gzipStored(layerTar);
  const diffId = sha256(layerTar);
  const layer: Descriptor = {
    mediaType: MEDIA_TYPES.layer,
    digest: sha256(layerBlob),
    size: layerBlob.length,
    annotations: { "org.opencontainers.image.title": "plugin.tar.gz" },
  };
  const configBlob = jsonBlob({
    architecture: "wasm",
    os: "wasip1",
    config: {},
    rootfs: { type: "layers", diff_ids: [diffId] },
  });
  const config: Descriptor = { mediaType: MEDIA_TYPES.config, digest: sha256(configBlob), size: configBlob.length };
  const manifestBlob = jsonBlob({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers: [layer],
    annotations: {
      "org.opencontainers.image.title": "cors-proxy-wasm",
      "org.opencontainers.image.description": "CORS filter (proxy-wasm ABI 0.2.1) for Envoy, Higress, Istio, Envoy Gateway, Kong and APISIX",
      "org.opencontainers.image.version": tag,
      "org.opencontainers.image.licenses": "Apache-2.0",
    },
  });
  const manifest: Descriptor = {
    mediaType: MEDIA_TYPES.manifest,
    digest: sha256(manifestBlob),
    size: manifestBlob.length,
    annotations: { "org.opencontainers.image.ref.name": tag },
  };
  const index = jsonBlob({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: [manifest] });
  const blob = (d: Descriptor, data: Buffer) => ({ path: `blobs/sha256/${d.digest.slice("sha256:".length)}`, data });
  const blobs = [blob(manifest, manifestBlob), blob(config, configBlob), blob(layer, layerBlob)].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const files = [
    { path: "oci-layout", data: jsonBlob({ imageLayoutVersion: "1.0.0" }) },
    { path: "index.json", data: index },
    ...blobs,
  ];
  return { files, manifest, config, layer, wasmDigest: sha256(wasm), diffId, tag };
}

/** The layout as one tarball (what `skopeo copy oci-archive:FILE:TAG …` and `oras cp --from-oci-layout` read). */
export function layoutTarball(image: OciImage): Buffer {
  const entries: TarEntry[] = [];
  entries.push({ name: "oci-layout", data: image.files[0].data });
  entries.push({ name: "index.json", data: image.files[1].data });
  entries.push({ name: "blobs/" }, { name: "blobs/sha256/" });
  for (const f of image.files.slice(2)) entries.push({ name: f.path, data: f.data });
  return tar(entries);
}

export interface WrittenImage extends OciImage {
  dir: string;
  archive: string | null;
}

/**
 * Writes the layout into `dir` (created; if it already holds an OCI layout, blobs this image does not use
 * are removed so the directory is exactly this image) and, unless `archive` is null, the tarball.
 */
export function writeOciImage(
  wasm: Uint8Array,
  dir: string,
  options: OciOptions & { archive?: string | null } = {},
): WrittenImage {
  const image = buildOciImage(wasm, options);
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes("oci-layout")) {
      throw new Error(`${dir} exists and is not an OCI image layout: refusing to write into it`);
    }
    const blobDir = join(dir, "blobs", "sha256");
    if (existsSync(blobDir)) {
      const keep = new Set(image.files.map((f) => f.path));
      for (const name of readdirSync(blobDir)) {
        if (!keep.has(`blobs/sha256/${name}`)) rmSync(join(blobDir, name), { force: true });
      }
    }
  }
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  for (const f of image.files) writeFileSync(join(dir, f.path), f.data);
  const archive = options.archive === undefined ? resolve(dir) + ".tar" : options.archive;
  if (archive !== null) writeFileSync(archive, layoutTarball(image));
  return { ...image, dir, archive };
}
