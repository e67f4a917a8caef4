// What the model sees of a web page in one Mind2Web round, as MindAct / AgentBench build it
// (AgentBench.old src/tasks/mind2web/data_utils/dom_utils.py prune_tree + get_tree_repr, and
// dataloader.py:66-106 format_input_multichoice): the DOM pruned around the round's candidates,
// each element reduced to `<tag id=k meta words>`, and the candidates as choices in document order,
// each its first ten tokens.
import { pythonCollapseWhitespace, pythonSplit, pythonStrip } from "../lib/python-string.js";
import {
  addPrevious,
  allElements,
  ancestors,
  deepCopy,
  parseXml,
  removeElement,
  toXmlString,
  type XmlElement,
} from "./dom-tree.js";

const id = (node: XmlElement | null | undefined) => node?.attrib.get("backend_node_id") ?? "";

/** get_descendants: children, then theirs, down to max_depth + 1 levels, in pre-order. */
function descendants(node: XmlElement, maxDepth: number, depth = 0): XmlElement[] {
  if (depth > maxDepth) return [];
  return node.children.flatMap((child) => [child, ...descendants(child, maxDepth, depth + 1)]);
}

/** A copy of the tree that keeps the candidates, their ancestors, some descendants and near siblings. */
export function pruneTree(
  tree: XmlElement,
  candidateIds: readonly string[],
  { maxDepth = 5, maxChildren = 50, maxSibling = 3 } = {},
): XmlElement {
  const keep = new Set<string>();
  const elements = allElements(tree);
  for (const candidateId of candidateIds) {
    const node = elements.find((n) => id(n) === candidateId);
    if (!node) throw new Error(`candidate ${candidateId} is not in cleaned_html`);
    keep.add(id(node));
    for (const a of ancestors(node)) keep.add(id(a));
    for (const d of descendants(node, maxDepth).slice(0, maxChildren)) keep.add(id(d));
    if (node.parent) {
      const siblings = node.parent.children.filter((x) => x.tag !== "text");
      const at = siblings.indexOf(node);
      for (const s of siblings.slice(Math.max(0, at - maxSibling), at + maxSibling + 1)) keep.add(id(s));
    }
  }
  const candidates = new Set(candidateIds);
  const copy = deepCopy(tree);
  // bottom-up (reverse document order), so a node is judged after its descendants
  for (const node of allElements(copy).reverse()) {
    const owner = node.tag === "text" ? id(node.parent) : id(node);
    if (!keep.has(owner) && node.parent) {
      removeElement(node);
      continue;
    }
    if (!candidates.has(owner) || node.tag === "text") node.attrib.delete("backend_node_id");
    if (
      node.attrib.size === 0 &&
      !node.children.some((x) => x.tag === "text") &&
      node.parent &&
      node.tag !== "text" &&
      node.children.length <= 1
    ) {
      // a bare wrapper: its child (if any) takes its place; its own text and tail go
      for (const child of [...node.children]) addPrevious(node, child);
      removeElement(node);
    }
  }
  return copy;
}

const attributeOrder = [
  "role",
  "aria_role",
  "type",
  "alt",
  "aria_description",
  "aria_label",
  "label",
  "title",
  "name",
  "text_value",
  "value",
  "placeholder",
  "input_checked",
  "input_value",
  "option_selected",
  "class",
];
const meaningless = new Set(["hidden", "none", "presentation", "null", "undefined"]);
const codePoints = (text: string) => [...text].length;

/** get_attribute_repr: the attributes become `id` (the candidate's number) and `meta` (a few words). */
function reduceAttributes(node: XmlElement, maxValueLength: number, maxLength: number): void {
  const seen = new Set<string>();
  let words = "";
  for (const name of attributeOrder) {
    const raw = node.attrib.get(name);
    if (raw === undefined) continue;
    const lower = raw.toLowerCase();
    if (meaningless.has(lower) || lower.startsWith("http")) continue;
    const value = pythonSplit(lower)
      .filter((v) => codePoints(v) < 15)
      .slice(0, maxValueLength)
      .join(" ");
    if (value && !seen.has(value)) {
      seen.add(value);
      words += `${value} `;
    }
  }
  const uid = id(node);
  node.attrib.clear();
  if (uid) node.attrib.set("id", uid);
  if (words) node.attrib.set("meta", pythonSplit(words).slice(0, maxLength).join(" "));
}

const htmlEscapes: [string, string][] = [
  ["&quot;", '"'],
  ["&amp;", "&"],
  ["&lt;", "<"],
  ["&gt;", ">"],
  ["&nbsp;", " "],
  ["&ndash;", "-"],
  ["&rsquo;", "'"],
  ["&lsquo;", "'"],
  ["&ldquo;", '"'],
  ["&rdquo;", '"'],
  ["&#39;", "'"],
  ["&#40;", "("],
  ["&#41;", ")"],
];

/**
 * get_tree_repr: numbers the candidates (ids shared through `idMapping`), reduces every element to
 * its meta words and prints the tree; `keepHtmlBrackets` false writes `(tag …)` instead of `<tag …>`.
 */
export function treeRepr(
  tree: XmlElement,
  idMapping: Map<string, number>,
  { keepHtmlBrackets = false, maxValueLength = 5, maxLength = 20 } = {},
): string {
  const copy = deepCopy(tree);
  for (const node of allElements(copy)) {
    if (node.tag === "text") {
      node.text = pythonSplit(node.text ?? "")
        .slice(0, maxLength)
        .join(" ");
      continue;
    }
    const uid = node.attrib.get("backend_node_id");
    if (uid !== undefined) {
      if (!idMapping.has(uid)) idMapping.set(uid, idMapping.size);
      node.attrib.set("backend_node_id", String(idMapping.get(uid)));
    }
    reduceAttributes(node, maxValueLength, maxLength);
  }
  let repr = toXmlString(copy).replaceAll('"', " ");
  repr = repr.replaceAll("meta= ", "").replaceAll("id= ", "id=").replaceAll(" >", ">");
  // Python's (.*?) does not cross a newline
  repr = repr.replace(/<text>([^\n]*?)<\/text>/g, "$1");
  if (!keepHtmlBrackets) {
    repr = repr.replaceAll("/>", "$/$>");
    repr = repr.replace(/<\/([^\n]+?)>/g, ")");
    repr = repr.replace(/<([^\n]+?)>/g, "($1");
    repr = repr.replaceAll("$/$", ")");
  }
  for (const [entity, character] of htmlEscapes) repr = repr.replaceAll(entity, character);
  return pythonStrip(pythonCollapseWhitespace(repr));
}

export interface MultichoiceInput {
  /** The pruned page, for the `'''…'''` block of the prompt. */
  page: string;
  /** [backend_node_id, first ten tokens] per candidate, in document order: choice B, C, … */
  choices: [string, string][];
}

/** format_input_multichoice's page and choices for one round's candidates (brackets kept, as AgentBench asks). */
export function multichoiceInput(cleanedHtml: string, candidateIds: readonly string[]): MultichoiceInput {
  const pruned = pruneTree(parseXml(cleanedHtml), candidateIds);
  const idMapping = new Map<string, number>();
  const page = treeRepr(pruned, idMapping, { keepHtmlBrackets: true });
  const choices = allElements(pruned)
    .filter((node) => node.attrib.has("backend_node_id"))
    .map((node): [string, string] => [
      id(node),
      pythonSplit(treeRepr(node, idMapping, { keepHtmlBrackets: true }))
        .slice(0, 10)
        .join(" "),
    ]);
  return { page, choices };
}
