// An operation's output object (model member names as keys) -> the EC2 XML response, and the EC2 error document.
// The reader we must satisfy is botocore's EC2QueryParser (parsers.py): an element is found by the member's
// locationName, else by the member name unchanged; list items are the children of the list's element, whatever
// their tag (AWS writes <item>).

import { shapeOf, xmlNameOf, type MemberRef, type Operation, type StructureShape } from './model.js';

/** The namespace AWS puts on every EC2 response (the model's xmlNamespace, which lacks the final slash). */
export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `<{Operation}Response>` with `<requestId>` first, then the output members in model order. */
export function serializeResponse(op: Operation, output: Record<string, unknown> | undefined, requestId: string): string {
  // Actions without an output shape answer <return>true</return> (e.g. CreateNetworkAclEntry); clients ignore it.
  const body = op.output ? structureBody(op.output, output ?? {}, op.name) : '<return>true</return>';
  const root = `${op.name}Response`;
  return `${XML_DECLARATION}<${root} xmlns="${EC2_XMLNS}"><requestId>${escapeXml(requestId)}</requestId>${body}</${root}>`;
}

/** EC2's error document: note `RequestID` here against `requestId` on success. */
export function serializeError(code: string, message: string, requestId: string): string {
  return (
    `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `</Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}

const xmlMembers = new WeakMap<StructureShape, [member: string, ref: MemberRef, xmlName: string][]>();

/** A structure's members in model order with their element names, worked out once per shape. */
function membersOf(shape: StructureShape): [member: string, ref: MemberRef, xmlName: string][] {
  let members = xmlMembers.get(shape);
  if (!members) {
    members = Object.entries(shape.members).map(([member, ref]) => [member, ref, xmlNameOf(member, ref)]);
    xmlMembers.set(shape, members);
  }
  return members;
}

function structureBody(shape: StructureShape, value: unknown, path: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw new TypeError(`${path}: expected a structure`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(shape.members, key)) throw new TypeError(`${path}: ${key} is not a member`);
  }
  let out = '';
  for (const [member, ref, xmlName] of membersOf(shape)) {
    const v = record[member];
    if (v !== undefined && v !== null) out += element(xmlName, ref, v, path, member);
  }
  return out;
}

/** The element of one value; `path` + `step` name it in errors (joined only when there is an error). */
function element(name: string, ref: MemberRef, value: unknown, parent: string, step: string | number): string {
  const shape = shapeOf(ref);
  let inner: string;
  if (shape.type === 'structure') {
    inner = structureBody(shape, value, pathOf(parent, step));
  } else if (shape.type === 'list') {
    if (!Array.isArray(value)) throw new TypeError(`${pathOf(parent, step)}: expected a list`);
    const item = shape.member.locationName ?? 'item';
    const path = pathOf(parent, step);
    inner = '';
    for (let i = 0; i < value.length; i++) inner += element(item, shape.member, value[i], path, i);
  } else {
    inner = scalarText(shape.type, value, parent, step);
  }
  // Empty is written <x/>, as AWS does (<ipv6Ranges/>); botocore reads it as [], {} or ''.
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

const pathOf = (parent: string, step: string | number): string => (typeof step === 'number' ? `${parent}[${step}]` : `${parent}.${step}`);

function scalarText(type: string, value: unknown, parent: string, step: string | number): string {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return escapeXml(value);
      break;
    case 'integer':
    case 'long':
      if (Number.isInteger(value)) return String(value);
      break;
    case 'double':
    case 'float':
      if (typeof value === 'number') return String(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      break;
    case 'timestamp': {
      // ISO 8601 with milliseconds and Z, as EC2 writes times (2026-01-01T00:00:00.000Z).
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
      if (date && !Number.isNaN(date.getTime())) return date.toISOString();
      break;
    }
    case 'blob':
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      break;
  }
  throw new TypeError(`${pathOf(parent, step)}: ${JSON.stringify(value)} is not a ${type}`);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be read back as LF (XML end-of-line handling), so it travels as a reference.
  '\r': '&#xD;',
};

// Characters outside XML 1.0's Char production: C0 controls other than TAB, LF and CR, lone surrogates,
// U+FFFE and U+FFFF. They cannot be escaped (a reference such as &#x1; is itself not well-formed XML 1.0),
// so each is replaced by U+FFFD REPLACEMENT CHARACTER: the document stays valid for every client and the
// reader still sees that a character was there, which silently dropping it would hide.
const ESCAPED = /[&<>"'\r]|[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text safe inside an XML 1.0 element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(ESCAPED, (c) => ENTITIES[c] ?? '\uFFFD');
}
