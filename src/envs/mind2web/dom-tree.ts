// Mind2Web's cleaned_html as lxml sees it: a strict XML tree whose elements carry `text` (before the
// first child) and `tail` (after the element, inside its parent), serialized as etree.tostring does.
// AgentBench's DOM pruning works on exactly this model (a removed element takes its tail with it),
// so agenttune mirrors it rather than a browser DOM.
import { SaxesParser } from "saxes";
import { InputError } from "../../core/index.js";

export interface XmlElement {
  tag: string;
  /** Attributes in document order, as lxml keeps them. */
  attrib: Map<string, string>;
  text: string | null;
  tail: string | null;
  children: XmlElement[];
  parent: XmlElement | null;
}

const element = (tag: string, attrib: Map<string, string>, parent: XmlElement | null): XmlElement => ({
  tag,
  attrib,
  text: null,
  tail: null,
  children: [],
  parent,
});

/** lxml.etree.fromstring: one root element, strict XML (an error names line and column). */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const addText = (text: string) => {
    const current = stack.at(-1);
    if (!current) return; // whitespace around the root
    const last = current.children.at(-1);
    if (last) last.tail = (last.tail ?? "") + text;
    else current.text = (current.text ?? "") + text;
  };
  parser.on("opentag", (tag) => {
    const parent = stack.at(-1) ?? null;
    const node = element(tag.name, new Map(Object.entries(tag.attributes as Record<string, string>)), parent);
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", addText);
  parser.on("cdata", addText);
  try {
    parser.write(xml).close();
  } catch (cause) {
    throw new InputError(`cleaned_html is not well-formed XML: ${(cause as Error).message}`);
  }
  if (!root) throw new InputError("cleaned_html has no root element");
  return root;
}

/** copy.deepcopy of an lxml element: the subtree and its tail, detached. */
export function deepCopy(node: XmlElement, parent: XmlElement | null = null): XmlElement {
  const copy: XmlElement = { ...node, attrib: new Map(node.attrib), parent, children: [] };
  copy.children = node.children.map((child) => deepCopy(child, copy));
  return copy;
}

/** `node.xpath("//*")` from the root of the node's tree: every element in document order. */
export function allElements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (node: XmlElement) => {
    out.push(node);
    for (const child of node.children) visit(child);
  };
  visit(root);
  return out;
}

/** `node.xpath("ancestor::*")`, from the root down. */
export function ancestors(node: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let p = node.parent; p; p = p.parent) out.unshift(p);
  return out;
}

/** parent.remove(node): the node leaves with its tail, as in lxml. */
export function removeElement(node: XmlElement): void {
  const parent = node.parent;
  if (!parent) return;
  parent.children.splice(parent.children.indexOf(node), 1);
  node.parent = null;
}

/** anchor.addprevious(node): node (and its tail) moves to just before anchor. */
export function addPrevious(anchor: XmlElement, node: XmlElement): void {
  removeElement(node);
  const parent = anchor.parent;
  if (!parent) return;
  parent.children.splice(parent.children.indexOf(anchor), 0, node);
  node.parent = parent;
}

const escapeText = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
const escapeAttribute = (value: string) =>
  escapeText(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");

/** etree.tostring(node, encoding="unicode"): the element, its subtree and its tail; empty ones as `<tag/>`. */
export function toXmlString(node: XmlElement, withTail = true): string {
  const attributes = [...node.attrib].map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join("");
  // lxml writes <tag/> only when there is no text at all: an empty string still opens and closes
  const empty = node.text === null && node.children.length === 0;
  const inner = escapeText(node.text ?? "") + node.children.map((c) => toXmlString(c)).join("");
  const body = empty ? `<${node.tag}${attributes}/>` : `<${node.tag}${attributes}>${inner}</${node.tag}>`;
  return withTail && node.tail ? body + escapeText(node.tail) : body;
}
