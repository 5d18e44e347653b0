/**
 * A strict reader of the XML subset JUnit reports use (a prolog, elements, attributes, text, character and
 * the five predefined entity references): anything malformed throws, naming the offset. No XML parser is a
 * dependency of the project, so the tests check well-formedness with this one.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids exactly these
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const forbidden = (text: string) => FORBIDDEN_CHARACTER.exec(text) ?? LONE_SURROGATE.exec(text);
const NAME = /^[A-Za-z_][\w.-]*/;

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new Error(`raw "<" at ${at}`);
  return raw.replace(/&([^;]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`unterminated reference "${match}" at ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const code = /^#x[0-9a-fA-F]+$/.test(ref)
      ? Number.parseInt(ref.slice(2), 16)
      : /^#\d+$/.test(ref)
        ? Number(ref.slice(1))
        : NaN;
    if (Number.isNaN(code)) throw new Error(`unknown entity "&${ref};" at ${at}`);
    const char = String.fromCodePoint(code);
    if (forbidden(char)) throw new Error(`reference to a character XML forbids at ${at}`);
    return char;
  });
}

export function parseXml(xml: string): XmlElement {
  const bad = forbidden(xml);
  if (bad) throw new Error(`character U+${bad[0].charCodeAt(0).toString(16)} XML forbids at ${bad.index}`);
  let pos = 0;
  if (xml.startsWith('<?xml')) {
    pos = xml.indexOf('?>') + 2;
    if (pos < 2) throw new Error('unterminated prolog');
  }
  const skipSpace = () => {
    while (pos < xml.length && /\s/.test(xml[pos] as string)) pos++;
  };
  function element(): XmlElement {
    if (xml[pos] !== '<') throw new Error(`expected "<" at ${pos}`);
    pos++;
    const name = NAME.exec(xml.slice(pos))?.[0];
    if (!name) throw new Error(`expected an element name at ${pos}`);
    pos += name.length;
    const node: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return node;
      }
      if (xml[pos] === '>') {
        pos++;
        break;
      }
      const attr = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(xml.slice(pos));
      if (!attr) throw new Error(`malformed attribute at ${pos}`);
      const attrName = attr[1] as string;
      if (attrName in node.attributes) throw new Error(`duplicate attribute ${attrName} at ${pos}`);
      node.attributes[attrName] = decode(attr[3] ?? attr[4] ?? '', pos);
      pos += attr[0].length;
    }
    for (;;) {
      const next = xml.indexOf('<', pos);
      if (next < 0) throw new Error(`unclosed <${name}>`);
      const raw = xml.slice(pos, next);
      if (raw.includes(']]>')) throw new Error(`"]]>" in text at ${pos}`);
      node.text += decode(raw, pos);
      pos = next;
      if (xml.startsWith('</', pos)) {
        const close = `</${name}>`;
        if (!xml.startsWith(close, pos)) throw new Error(`expected ${close} at ${pos}`);
        pos += close.length;
        return node;
      }
      node.children.push(element());
    }
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (pos !== xml.length) throw new Error(`content after the root element at ${pos}`);
  return root;
}
