// The usage text: one section per command, and the whole of it for `cors-proxy-wasm --help`.
import { PLATFORMS } from "../platforms/index.js";
import { VERSION } from "../version.js";

export const SERVE_USAGE = `  serve [--config FILE] [--listen HOST:PORT] [--upstream URL] [--wasm FILE]
        [--route-name NAME] [--cluster-name NAME] [--tls-cert FILE --tls-key FILE] [--watch]
        [--admin HOST:PORT]
      Run the dev proxy: every request goes through the real filter (build/cors.wasm) in an
      Envoy-faithful proxy-wasm host, then to the upstream (default: a built-in echo server that
      returns the request it saw as JSON). Defaults: --config examples/cors.json,
      --listen 127.0.0.1:10000 (port 0 = any free port), --wasm build/cors.wasm.
      SIGHUP (or, with --watch, saving the file) reloads the configuration; a rejected one
      leaves the running configuration in place, as Envoy does. --admin serves the filter's
      metrics as Envoy's admin does (/stats, /stats?format=json, /stats/prometheus, /ready).`;

export const ENVOY_USAGE = `  envoy [--config FILE] [--listen HOST:PORT] [--upstream URL] [--admin HOST:PORT] [--concurrency N]
        [--wasm FILE] [--envoy BIN] [--route-name NAME] [--cluster-name NAME] [--watch]
      Run the filter in real Envoy (the pinned build \`make envoy\` installs; --envoy BIN or $ENVOY_BIN
      for another) in front of the same upstreams as serve. Defaults: --listen 127.0.0.1:10000,
      --admin 127.0.0.1:9901 (the filter's counters: /stats?filter=cors), --concurrency 1.
      SIGHUP (or, with --watch, saving the file) hands Envoy the configuration again through its
      file-based LDS: a configuration the filter rejects is NACKed and the running one stays.`;

export const CHECK_USAGE = `  check FILE [--wasm FILE] [--route-name NAME] [--cluster-name NAME]
      Run FILE (- = standard input) through the filter's own proxy_on_configure: prints "ok"
      (and warnings) or every error; exit status 0 / 1.`;

export const EXPLAIN_USAGE = `  explain [--config FILE] [--origin O] [--method M] [--acrm M] [--acrh H] [--path P] [--host H]
          [--header 'name: value']... [--scheme http|https] [--wasm FILE]
          [--route-name NAME] [--cluster-name NAME]
          [--upstream-status N] [--upstream-header 'name: value']...
      Run one request through the real filter (with debug on) and print the decision (kind,
      verdict, reason) and the exact response headers the filter sends (for a forwarded request:
      on the upstream's response, by default a bare 200). --acrm without --method: OPTIONS.`;

export const RENDER_USAGE = `usage: cors-proxy-wasm render ${PLATFORMS.join("|")} --config FILE [--out FILE]
         [--name NAME] [--namespace NS] [--image REGISTRY/REPO:TAG] [--wasm PATH] [--upstream HOST:PORT]

Writes the manifest that runs the filter with the configuration in FILE (JSON or YAML; - = standard
input) on that platform, to standard output or to --out. For Higress, the keys outside _rules_ become
defaultConfig and each _rules_ entry a matchRules item.
`;

export const OCI_USAGE = `usage: cors-proxy-wasm oci [--wasm FILE] [--out DIR] [--tag TAG] [--archive FILE]

Packs the filter as an OCI image (the layout Higress, Istio and Envoy Gateway pull: one
application/vnd.oci.image.layer.v1.tar+gzip layer holding plugin.wasm) into the OCI image layout DIR
(default build/oci, under the working directory) and the tarball FILE (default DIR.tar). Reproducible: same
module, same digest. Defaults: --wasm the package's build/cors.wasm, --tag ${VERSION}.
`;

export const USAGE = `Usage: cors-proxy-wasm <command> [options]

Commands:
${SERVE_USAGE}
${ENVOY_USAGE}
${CHECK_USAGE}
${EXPLAIN_USAGE}
  convert [--from kong|krakend|apisix|envoy|istio|ingress-nginx|higress] FILE|- [--format json|yaml]
      Translate another gateway's own CORS configuration into this filter's (stdout), naming
      every behaviour difference on stderr (docs/convert.md); exit 0 converted, 1 an error.
  render ${PLATFORMS.join("|")} --config FILE [--out FILE] [...]
      Render the file that runs the filter on that platform (cors-proxy-wasm render --help).
  oci [--wasm FILE] [--out DIR] [--tag TAG] [--archive FILE]
      Build an OCI image of the plugin (cors-proxy-wasm oci --help).
  help         This text.

--config FILE accepts the filter's JSON, YAML of the same, a Higress WasmPlugin
(extensions.higress.io/v1alpha1: defaultConfig + matchRules become _rules_ as the Higress
controller does), an Istio WasmPlugin (pluginConfig), an Envoy bootstrap (the
envoy.filters.http.wasm filter's configuration) or an Envoy Gateway EnvoyExtensionPolicy
(spec.wasm[].config). YAML files may hold several documents.
`;
