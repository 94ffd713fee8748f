// Per-context state the host functions act on (the "current" / "effective" context of cpp-host).

import type { HeaderMap } from "./headers.js";

export interface PendingLocalReply {
  status: number;
  details: string;
  body: string;
  headers: Array<[string, string]>;
  grpcStatus: number | null;
}

export type Phase =
  | "idle"
  | "create"
  | "vm_start"
  | "configure"
  | "request"
  | "local_response" // the filter's response callback for its own local reply
  | "response"
  | "done"
  | "log"
  | "delete";

export class ContextState {
  /** Readable maps; null = unavailable (BAD_ARGUMENT). */
  requestMap: HeaderMap | null = null;
  responseMap: HeaderMap | null = null;
  /** The request as the filter last saw it (on_log reads it) and as received (request.* properties). */
  lastRequest: HeaderMap | null = null;
  lastResponse: HeaderMap | null = null;
  originalRequest: HeaderMap | null = null;
  streamProps: Map<string, string> | null = null;
  setProps: Map<string, string> | null = null;
  pending: PendingLocalReply | null = null;
  /** A local reply sent from the response callback of this stream's own local reply: it replaces that reply. */
  replacement: PendingLocalReply | null = null;
  /** HostOptions.nestedLocalReply: encodes a reply the moment proxy_send_local_response is called. */
  encodeLocalNow: ((reply: PendingLocalReply) => void) | null = null;
  /** A local reply went (or is going) downstream for this stream. */
  localReplySent = false;
  /** Response headers went downstream: a local reply can no longer be sent. */
  responseSent = false;
  phase: Phase = "idle";
  /** cpp-host temp_plugin_: the plugin configuration buffer is readable. */
  configReadable = false;
  created = false;
  finished = false;

  constructor(
    readonly id: number,
    readonly root: boolean,
  ) {}
}
