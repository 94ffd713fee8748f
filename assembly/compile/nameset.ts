// The request path names NameSet through this layer (filter/ may not import config/, docs/ARCHITECTURE.md
// "Layers"); it is defined in config/nameset.ts, where the configuration layer uses it too.
export { NameSet } from "../config/nameset";
