// allow_origin_patterns compiled into a trie over reversed host labels (spec §3: the cost "should not grow
// linearly with the number of patterns"). `https://*.example.com:[8443]` is stored at com → example as a
// "subdomain" leaf (scheme https, ports {8443}); `http://foo.test` at test → foo as an "exact" leaf.
// A lookup walks the request host's labels right to left once, touching only the leaves on its path.

import { OriginPattern, PortRule } from "../config/types";
import { charAt, foldHash, equalsFolded, lastIndexOfChar, lowerSlice } from "../ascii";
import { ParsedOrigin, defaultPort } from "./origin";

/** Scheme + port part of one pattern. */
export class PatternLeaf {
  constructor(
    /** The configured pattern (for the canonical dump). */
    public pattern: OriginPattern,
    /** lower case, or "*" */
    public scheme: string,
    public portRule: PortRule,
    public ports: Array<u32>,
  ) {}

  matches(o: ParsedOrigin): bool {
    if (this.scheme != "*" && this.scheme != o.scheme) return false;
    switch (this.portRule) {
      case PortRule.Any: return true;
      // absent = "the scheme's default port only" (spec §3): no port, or the explicit default
      case PortRule.DefaultOnly: return o.port < 0 || o.port == defaultPort(o.scheme);
      default: {
        const p = o.effectivePort;
        if (p < 0) return false;
        const ports = this.ports;
        for (let i = 0; i < ports.length; i++) if (<i32>unchecked(ports[i]) == p) return true;
        return false;
      }
    }
  }
}

class TrieNode {
  /** Children by folded label hash; collisions chained through `sibling`. */
  children: Map<u32, TrieNode> | null = null;
  sibling: TrieNode | null = null;
  /** Patterns whose host ends exactly at this node. */
  exact: Array<PatternLeaf> | null = null;
  /** `*.` patterns rooted here: need one or more further labels. */
  sub: Array<PatternLeaf> | null = null;

  constructor(public label: string, public hash: u32) {}

  child(s: string, start: i32, end: i32, h: u32): TrieNode | null {
    const children = this.children;
    if (children === null || !children.has(h)) return null;
    let c: TrieNode | null = children.get(h);
    while (c !== null) {
      if (equalsFolded(s, start, end, c.label)) return c;
      c = c.sibling;
    }
    return null;
  }

  addChild(label: string): TrieNode {
    const h = foldHash(label, 0, label.length);
    const found = this.child(label, 0, label.length, h);
    if (found !== null) return found;
    const node = new TrieNode(lowerSlice(label, 0, label.length), h);
    let children = this.children;
    if (children === null) { children = new Map<u32, TrieNode>(); this.children = children; }
    if (children.has(h)) node.sibling = children.get(h);
    children.set(h, node);
    return node;
  }
}

export class PatternTrie {
  private root: TrieNode = new TrieNode("", 0);
  /** `scheme://*[:ports]` patterns: any host. */
  private anyHost: Array<PatternLeaf> = new Array<PatternLeaf>();
  /** Pattern `*` alone: any well-formed origin (never `null`, never a malformed value: spec §3). */
  matchesAll: bool = false;
  /** Every pattern, for the canonical dump. */
  readonly leaves: Array<PatternLeaf> = new Array<PatternLeaf>();

  get isEmpty(): bool { return this.leaves.length == 0 && !this.matchesAll; }

  add(p: OriginPattern): void {
    if (p.matchesAll) { this.matchesAll = true; return; }
    const leaf = new PatternLeaf(p, p.scheme, p.portRule, p.ports);
    this.leaves.push(leaf);
    if (p.anyHost) { this.anyHost.push(leaf); return; }
    // walk the configured host's labels right to left (an IPv6 literal is one label)
    const host = p.host;
    let node = this.root;
    if (host.length > 0 && charAt(host, 0) == 91) {
      node = node.addChild(host);
    } else {
      let end = host.length;
      while (true) {
        const dot = end > 0 ? lastIndexOfChar(host, 0x2e /* . */, end - 1) : -1;
        node = node.addChild(host.substring(dot + 1, end));
        if (dot < 0) break;
        end = dot;
      }
    }
    if (p.subdomains) {
      let sub = node.sub;
      if (sub === null) { sub = new Array<PatternLeaf>(); node.sub = sub; }
      sub.push(leaf);
    } else {
      let exact = node.exact;
      if (exact === null) { exact = new Array<PatternLeaf>(); node.exact = exact; }
      exact.push(leaf);
    }
  }

  /** Whether a well-formed origin matches some pattern. Allocation-free. */
  matches(o: ParsedOrigin): bool {
    if (this.matchesAll) return true;
    const any = this.anyHost;
    for (let i = 0; i < any.length; i++) if (unchecked(any[i]).matches(o)) return true;

    const s = o.value;
    const hostStart = o.hostStart;
    let end = o.hostEnd;
    let node = this.root;
    const ipLiteral = charAt(s, hostStart) == 91;
    while (true) {
      // the label ending at `end`
      let start = end;
      if (ipLiteral) start = hostStart;
      else while (start > hostStart && charAt(s, start - 1) != 46) start--;
      const next = node.child(s, start, end, foldHash(s, start, end));
      if (next === null) return false;
      node = next;
      if (start == hostStart) {
        // every label consumed: exact-host patterns
        return matchAny(node.exact, o);
      }
      // at least one label remains to the left: `*.` patterns rooted here (one or more whole labels)
      if (matchAny(node.sub, o)) return true;
      end = start - 1; // skip the dot
    }
    return false;
  }
}

function matchAny(leaves: Array<PatternLeaf> | null, o: ParsedOrigin): bool {
  if (leaves === null) return false;
  for (let i = 0; i < leaves.length; i++) if (unchecked(leaves[i]).matches(o)) return true;
  return false;
}

