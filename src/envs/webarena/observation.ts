// WebArena's text observation (browser_env/processors.py TextObervationProcessor, accessibility-tree
// mode, current viewport only): the tab header, then the accessibility tree from CDP
// (Accessibility.getFullAXTree) with each node's bounds from DOMSnapshot.captureSnapshot, only the
// nodes whose subtree's union bound meets the window, one line per node, pruned and cleaned as the
// original does. The pure steps take CDP's JSON, so tests can feed them recorded trees.
import type { CDPSession, Page } from "playwright-core";
import { pythonStrRepr } from "../lib/python-repr.js";

/** constants.py IGNORED_ACTREE_PROPERTIES. */
const ignoredProperties = new Set([
  "focusable",
  "editable",
  "readonly",
  "level",
  "settable",
  "multiline",
  "invalid",
]);

/** Roles whose nameless, property-less nodes are left out (parse_accessibility_tree). */
const prunedRoles = new Set([
  "generic",
  "img",
  "list",
  "strong",
  "paragraph",
  "banner",
  "navigation",
  "Section",
  "LabelText",
  "Legend",
  "listitem",
]);

type Bound = [x: number, y: number, width: number, height: number];

export interface AxNode {
  nodeId: string;
  parentId?: string;
  childIds?: string[];
  backendDOMNodeId?: number;
  role?: { value?: unknown };
  name?: { value?: unknown };
  properties?: { name: string; value?: { value?: unknown } }[];
  bound?: Bound | null;
  unionBound?: Bound | null;
}

export interface DomSnapshot {
  documents: {
    nodes: { parentIndex: number[]; nodeName: number[]; backendNodeId: number[] };
    layout: { nodeIndex: number[]; bounds: number[][] };
  }[];
}

export interface WindowBounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** What an action needs of a node the observation showed: where to click, and its line. */
export interface ObservedNode {
  backendId: number | undefined;
  bound: Bound | null;
  text: string;
}

/** Python's str() of a property value: True/False for booleans. */
function pythonStr(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null) return "None";
  return String(value);
}

/**
 * retrieve_viewport_info and the bound lookup of fetch_page_accessibility_tree: each layout node's
 * bound (scaled so the root is the viewport's width) and the union bound of its subtree, by the DOM
 * node's backend id.
 */
export function boundsByBackendId(
  snapshot: DomSnapshot,
  viewportWidth: number,
): Map<number, { bound: Bound; union: Bound | null }> {
  const document = snapshot.documents[0];
  if (!document) return new Map();
  const { parentIndex, backendNodeId } = document.nodes;
  const { nodeIndex } = document.layout;
  const scale = ((document.layout.bounds[0] as number[])[2] ?? viewportWidth) / viewportWidth || 1;
  const bounds = document.layout.bounds.map((b) => b.map((x) => x / scale) as Bound);
  const cursorOf = new Map<number, number>();
  nodeIndex.forEach((node, cursor) => {
    if (!cursorOf.has(node)) cursorOf.set(node, cursor);
  });
  const children = new Map<number, number[]>();
  parentIndex.forEach((parent, node) => {
    if (parent !== -1) children.set(parent, [...(children.get(parent) ?? []), node]);
  });
  const unions: (Bound | null)[] = bounds.map(() => null);
  const valid = (b: Bound | null | undefined): b is Bound =>
    !!b && Math.abs(b[2]) > 1e-8 && Math.abs(b[3]) > 1e-8;
  const union = (node: number): Bound | null => {
    const cursor = cursorOf.get(node);
    if (cursor === undefined) {
      // the original recurses only through laid-out nodes
      return null;
    }
    const own = [...(bounds[cursor] as Bound)] as Bound;
    const parts: (Bound | null)[] = [own];
    for (const child of children.get(node) ?? []) {
      const b = union(child);
      parts.push(b ? ([...b] as Bound) : null);
    }
    const kept = parts.filter(valid).map(([x, y, w, h]) => [x, y, x + w, y + h]);
    const result: Bound = kept.length
      ? (() => {
          const left = Math.min(...kept.map((b) => b[0] as number));
          const top = Math.min(...kept.map((b) => b[1] as number));
          const right = Math.max(...kept.map((b) => b[2] as number));
          const bottom = Math.max(...kept.map((b) => b[3] as number));
          return [left, top, right - left, bottom - top];
        })()
      : [0, 0, 0, 0];
    unions[cursor] = result;
    return result;
  };
  union(0);
  const out = new Map<number, { bound: Bound; union: Bound | null }>();
  for (let node = 0; node < parentIndex.length; node++) {
    const cursor = cursorOf.get(node);
    if (cursor === undefined) continue;
    out.set(backendNodeId[node] as number, { bound: bounds[cursor] as Bound, union: unions[cursor] ?? null });
  }
  return out;
}

/**
 * fetch_page_accessibility_tree: CDP's nodes without repeats, each with its DOM node's bounds; a node
 * with a DOM node that has no layout takes the bounds of its nearest ancestor that has a union bound.
 */
export function attachBounds(
  nodes: readonly AxNode[],
  bounds: ReadonlyMap<number, { bound: Bound; union: Bound | null }>,
): AxNode[] {
  const seen = new Set<string>();
  const tree: AxNode[] = [];
  for (const node of nodes) {
    if (seen.has(node.nodeId)) continue;
    seen.add(node.nodeId);
    tree.push({ ...node });
  }
  const parent = new Map<string, string>();
  const refine: AxNode[] = [];
  for (const node of tree) {
    if (node.parentId !== undefined) parent.set(node.nodeId, node.parentId);
    if (node.backendDOMNodeId === undefined) {
      node.bound = null;
      node.unionBound = null;
    } else {
      const found = bounds.get(node.backendDOMNodeId);
      if (!found) refine.push(node);
      else {
        node.bound = found.bound;
        node.unionBound = found.union;
      }
    }
  }
  const byId = new Map(tree.map((node) => [node.nodeId, node]));
  for (const node of refine) {
    let child = node.nodeId;
    let ancestor: AxNode | undefined;
    while (parent.has(child)) {
      const id = parent.get(child) as string;
      ancestor = byId.get(id);
      child = id;
      if (ancestor?.unionBound) break;
    }
    node.bound = ancestor?.bound ?? null;
    node.unionBound = ancestor?.unionBound ?? null;
  }
  return tree;
}

/** current_viewport_accessibility_tree: the nodes whose union bound meets the window. */
export function inViewport(tree: readonly AxNode[], window: WindowBounds): AxNode[] {
  return tree.filter((node) => {
    if (!node.unionBound) return false;
    const [x, y, width, height] = node.unionBound;
    return x < window.right && x + width >= window.left && y < window.bottom && y + height >= window.top;
  });
}

/** parse_accessibility_tree: the tree as indented lines from the first node, and the nodes shown. */
export function renderAccessibilityTree(tree: readonly AxNode[]): {
  text: string;
  nodes: Map<string, ObservedNode>;
} {
  const index = new Map(tree.map((node, i) => [node.nodeId, i]));
  const nodes = new Map<string, ObservedNode>();
  const dfs = (i: number, id: string, depth: number): string => {
    let out = "";
    const node = tree[i] as AxNode;
    let valid = true;
    const role = node.role?.value;
    const name = node.name?.value;
    if (role === undefined || name === undefined) valid = false;
    else {
      let line = `[${id}] ${pythonStr(role)} ${pythonStrRepr(pythonStr(name))}`;
      const properties: string[] = [];
      for (const property of node.properties ?? []) {
        if (ignoredProperties.has(property.name)) continue;
        if (property.value === undefined || !("value" in property.value)) continue;
        properties.push(`${property.name}: ${pythonStr(property.value.value)}`);
      }
      if (properties.length) line += ` ${properties.join(" ")}`;
      if (!line.trim()) valid = false;
      if (!pythonStr(name).trim()) {
        if (!properties.length) {
          if (prunedRoles.has(pythonStr(role))) valid = false;
        } else if (role === "listitem") valid = false;
      }
      if (valid) {
        out += `${"\t".repeat(depth)}${line}`;
        nodes.set(id, { backendId: node.backendDOMNodeId, bound: node.bound ?? null, text: line });
      }
    }
    for (const child of node.childIds ?? []) {
      const at = index.get(child);
      if (at === undefined) continue;
      const childText = dfs(at, child, valid ? depth + 1 : depth);
      if (childText.trim()) {
        if (out.trim()) out += "\n";
        out += childText;
      }
    }
    return out;
  };
  if (tree.length === 0) return { text: "", nodes };
  return { text: dfs(0, (tree[0] as AxNode).nodeId, 0), nodes };
}

const staticTextLine = /\[\d+\] StaticText '([^']+)'/;

/** clean_accesibility_tree: a StaticText line only when its text is not in the 3 lines kept before it. */
export function cleanAccessibilityTree(text: string): string {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (line.toLowerCase().includes("statictext")) {
      const match = staticTextLine.exec(line);
      if (match && kept.slice(-3).every((previous) => !previous.includes(match[1] as string)))
        kept.push(line);
    } else kept.push(line);
  }
  return kept.join("\n");
}

/** The tab header: "Tab 0 (current): title | Tab 1: title". */
export async function tabHeader(page: Page): Promise<string> {
  const tabs = page.context().pages();
  try {
    const titles = await Promise.all(tabs.map((tab) => tab.title()));
    return titles
      .map((title, i) => (tabs[i] === page ? `Tab ${i} (current): ${title}` : `Tab ${i}: ${title}`))
      .join(" | ");
  } catch {
    return tabs.map((_, i) => `Tab ${i}`).join(" | ");
  }
}

export interface Observation {
  text: string;
  nodes: Map<string, ObservedNode>;
  window: WindowBounds;
}

/** process(): the whole observation of the current page. */
export async function observe(page: Page, cdp: CDPSession, viewportWidth: number): Promise<Observation> {
  const header = await tabHeader(page);
  const snapshot = (await cdp.send("DOMSnapshot.captureSnapshot", {
    computedStyles: [],
    includeDOMRects: true,
    includePaintOrder: true,
  })) as unknown as DomSnapshot;
  const view = await page.evaluate(() => ({
    top: window.pageYOffset,
    left: window.pageXOffset,
    width: window.screen.width,
    height: window.screen.height,
  }));
  const bounds: WindowBounds = {
    left: view.left,
    top: view.top,
    right: view.left + view.width,
    bottom: view.top + view.height,
  };
  const { nodes: axNodes } = (await cdp.send("Accessibility.getFullAXTree", {})) as unknown as {
    nodes: AxNode[];
  };
  const tree = inViewport(attachBounds(axNodes, boundsByBackendId(snapshot, viewportWidth)), bounds);
  const rendered = renderAccessibilityTree(tree);
  return {
    text: `${header}\n\n${cleanAccessibilityTree(rendered.text)}`,
    nodes: rendered.nodes,
    window: bounds,
  };
}
