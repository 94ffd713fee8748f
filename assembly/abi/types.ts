// The ABI's enums (proxy-wasm spec 0.2.1 §Types) and the header pair type used by the helpers (defined in
// assembly/header.ts, which the compile layer shares).

export enum Status {
  Ok = 0, NotFound = 1, BadArgument = 2, SerializationFailure = 3, ParseFailure = 4,
  InvalidMemoryAccess = 6, Empty = 7, CasMismatch = 8, InternalFailure = 10, Unimplemented = 12,
}

/** What a headers callback returns to the host. */
export enum Action { Continue = 0, Pause = 1 }

export enum LogLevel { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Critical = 5 }

export enum MapType { RequestHeaders = 0, RequestTrailers = 1, ResponseHeaders = 2, ResponseTrailers = 3 }

export enum BufferType { VmConfiguration = 6, PluginConfiguration = 7 }

export { HeaderPair } from "../header";
