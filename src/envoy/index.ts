// Real Envoy for the project: where it is (install.ts), bootstraps (bootstrap.ts), running it (process.ts).
export * from "./install.js";
export * from "./bootstrap.js";
export * from "./process.js";
export * from "./log.js";
