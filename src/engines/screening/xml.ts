// A deliberately small XML reader for the sanctions list files (UN CONSOLIDATED_LIST, OFAC sdnList).
// Those files are machine-generated, well-formed, attribute-light and entity-light, so a
// tokenizer over tags and text is enough; no DTDs, no CDATA sections, no mixed content we need.

export interface XmlElement {
  name: string; // local name (namespace prefix dropped)
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string; // concatenated direct text content, entity-decoded, trimmed
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? m;
  });
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i >= 0 ? qname.slice(i + 1) : qname;
}

/** Parse an XML document into its root element. Throws on unbalanced tags. */
export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const textParts: string[][] = [[]];
  const tagRe = /<(\/?)([^\s>/!?]+)([^>]*?)(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>/g;
  let last = 0;
  for (let m = tagRe.exec(source); m; m = tagRe.exec(source)) {
    if (m.index > last) textParts[textParts.length - 1]!.push(source.slice(last, m.index));
    last = tagRe.lastIndex;
    if (m[5] !== undefined) {
      textParts[textParts.length - 1]!.push(m[5]);
      continue;
    }
    if (!m[2]) continue; // comment, processing instruction, doctype
    const [, closing, qname, attrText, selfClosing] = m;
    if (closing) {
      const el = stack.pop();
      const parts = textParts.pop();
      if (!el || el.name !== localName(qname!)) throw new Error(`xml: unexpected </${qname}>`);
      el.text = decodeEntities(parts!.join('')).trim();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      attributes[localName(a[1]!)] = decodeEntities(a[3] ?? a[4] ?? '');
    }
    const el: XmlElement = { name: localName(qname!), attributes, children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    if (!selfClosing) {
      stack.push(el);
      textParts.push([]);
    }
  }
  if (stack.length !== 1) throw new Error(`xml: unclosed <${stack[stack.length - 1]!.name}>`);
  const top = root.children[0];
  if (!top) throw new Error('xml: no root element');
  return top;
}

/** Direct children with a given local name. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Text of a direct child, '' when absent. */
export function childText(el: XmlElement | undefined, name: string): string {
  return child(el, name)?.text ?? '';
}
