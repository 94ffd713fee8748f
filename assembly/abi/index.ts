// The ABI layer's API (docs/ARCHITECTURE.md "The ABI layer API", docs/abi.md).
export { Status, Action, LogLevel, MapType, BufferType, HeaderPair } from "./types";
export { getHeader, getHeaderValues, getHeaderPairs, scanHeaders, addHeader, replaceHeader, removeHeader } from "./headers";
export { sendLocalResponse } from "./local_response";
export { getBufferBytes } from "./buffers";
export { getProperty, getPropertyBytes } from "./properties";
export { log } from "./log";
export { defineCounter, incrementCounter } from "./metrics";
export { RootContext, HttpContext, setRootContextFactory } from "./context";
