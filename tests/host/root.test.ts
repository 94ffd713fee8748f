// The root context: proxy_on_context_create(root, 0), proxy_on_vm_start, proxy_on_configure; the
// configuration buffers (host-facts.md §2.3, §4.3; cpp-host exports.cc get_buffer_bytes).
import assert from "node:assert/strict";
import { test } from "node:test";
import { callbacks, load, result } from "./helpers.js";

test("configure: context_create(root, 0), vm_start(root, vmConfigSize), configure(root, size); then only configure", async () => {
  const host = await load("probe", { vmConfig: "# vm" });
  const root = host.rootContextId;
  assert.equal(host.configure("# one"), true);
  assert.deepEqual(callbacks(host), [
    `proxy_on_context_create ${root} 0`,
    `proxy_on_vm_start ${root} 4`,
    `proxy_on_configure ${root} 5`,
  ]);
  assert.equal(host.configure("# second"), true);
  assert.deepEqual(callbacks(host).slice(3), [`proxy_on_configure ${root} 8`]);
});

test("the plugin configuration is readable inside proxy_on_configure, NOT_FOUND in on_vm_start and in request callbacks", async () => {
  const host = await load("probe", { vmConfig: "vm_start buf 7 0 100" });
  assert.equal(host.configure("configure buf 7 0 100\nrequest buf 7 0 100\nresponse buf 7 0 100"), true);
  assert.match(result(host, "configure buf 7 0 100"), /^0 ptr=set size=\d+ data=configure buf 7 0 100\n/);
  assert.equal(result(host, "vm_start buf 7 0 100"), "1 ptr=untouched size=untouched data=");
  const s = host.newStream();
  s.requestHeaders([[":method", "GET"]]);
  s.responseHeaders([[":status", "200"]]);
  assert.equal(result(host, "request buf 7 0 100"), "1 ptr=untouched size=untouched data=");
  assert.equal(result(host, "response buf 7 0 100"), "1 ptr=untouched size=untouched data=");
});

test("cpp-host onStart sets temp_plugin_ around the root proxy_on_context_create: the configuration is readable there", async () => {
  const host = await load("probe", { vmConfig: "root_create buf 7 0 5" });
  host.configure("hello world");
  assert.equal(result(host, "root_create buf 7 0 5"), "0 ptr=set size=5 data=hello");
});

test("the VM configuration is readable (buffer 6) and its size is passed to proxy_on_vm_start", async () => {
  const host = await load("probe", { vmConfig: "vm_start buf 6 0 8" });
  host.configure("");
  assert.equal(result(host, "vm_start buf 6 0 8"), "0 ptr=set size=8 data=vm_start");
});

test("get_buffer_bytes: size 0 → OK writing (0, 0); start past the end → OK, empty; clamps to the end; unknown type → BAD_ARGUMENT", async () => {
  const host = await load("probe");
  const cfg = "configure buf 7 0 0\nconfigure buf 7 500 4\nconfigure buf 7 10 1000\nconfigure buf 9 0 4";
  assert.equal(host.configure(cfg), true);
  assert.equal(result(host, "configure buf 7 0 0"), "0 ptr=0 size=0 data=");
  assert.equal(result(host, "configure buf 7 500 4"), "0 ptr=0 size=0 data=");
  assert.equal(result(host, "configure buf 7 10 1000"), `0 ptr=set size=${cfg.length - 10} data=${cfg.slice(10)}`);
  assert.equal(result(host, "configure buf 9 0 4"), "2 ptr=untouched size=untouched data=");
});

test("a zero-length configuration calls proxy_on_configure(root, 0) and is accepted", async () => {
  const host = await load("probe");
  assert.equal(host.configure(""), true);
  assert.deepEqual(callbacks(host).at(-1), `proxy_on_configure ${host.rootContextId} 0`);
  assert.equal(host.configure(new Uint8Array(0)), true);
});

test("proxy_on_configure returning false = configuration rejected; proxy_on_vm_start false = VM start failed", async () => {
  const host = await load("probe");
  assert.equal(host.configure("configure return 0"), false);
  const h2 = await load("probe", { vmConfig: "vm_start return 0" });
  assert.equal(h2.configure(""), false);
  assert.ok(!callbacks(h2).some((c) => c.startsWith("proxy_on_configure")));
});

test("APISIX never calls proxy_on_vm_start (§3.2)", async () => {
  const host = await load("probe", { profile: "apisix", vmConfig: "vm_start return 0" });
  assert.equal(host.configure(""), true);
  assert.deepEqual(
    callbacks(host).map((c) => c.split(" ")[0]),
    ["proxy_on_context_create", "proxy_on_configure"],
  );
});

test("proxy_send_local_response from the root context is ignored with OK (no decoder callbacks, envoy#39797)", async () => {
  const host = await load("probe");
  assert.equal(host.configure("configure local 403 x -"), true);
  assert.equal(result(host, "configure local 403 x -"), "0");
  assert.deepEqual(host.errors, []);
});
