// Deployment tooling: `render` (manifests for each platform) and `oci` (the filter as an OCI image).
export { render, readConfigFile, parseConfigText, higressSpecParts, PLATFORMS, RenderError, DEFAULTS, VERSION } from "./render.js";
export type { Platform, RenderOptions } from "./render.js";
export { buildOciImage, writeOciImage, layoutTarball, MEDIA_TYPES } from "./oci.js";
