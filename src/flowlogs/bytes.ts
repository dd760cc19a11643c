// Reading flow-log fields straight from the bytes of a line (ASCII), without making strings: the fast lane of
// replay reads millions of records and only the fields it decides on.

/** Whether `buf[s..e)` holds the same bytes as `other`. */
export function sameBytes(buf: Uint8Array, s: number, e: number, other: Uint8Array): boolean {
  if (e - s !== other.length) return false;
  for (let i = 0; i < other.length; i++) if (buf[s + i] !== other[i]) return false;
  return true;
}

// ------------------------------------------------------------------ one pass over a record line

/** What the scanner does with each field of a format. */
const enum Kind {
  Text,
  Id,
  Src,
  Dst,
  PktSrc,
  PktDst,
  Int,
  Proto,
  SrcPort,
  DstPort,
  Flags,
  Action,
  Status,
  Direction,
  Keyword,
}

const KIND_BY_NAME: Record<string, Kind> = {
  'interface-id': Kind.Id,
  srcaddr: Kind.Src,
  dstaddr: Kind.Dst,
  'pkt-srcaddr': Kind.PktSrc,
  'pkt-dstaddr': Kind.PktDst,
  protocol: Kind.Proto,
  srcport: Kind.SrcPort,
  dstport: Kind.DstPort,
  'tcp-flags': Kind.Flags,
  action: Kind.Action,
  'log-status': Kind.Status,
  'flow-direction': Kind.Direction,
};

/** The fields of a format as the scanner needs them: name, number or keyword. */
export interface ScanField {
  name: string;
  kind: 'int' | 'text';
  values?: readonly string[];
}

/**
 * Reads one record line of a format in a single pass over its bytes, keeping only what a verdict needs as
 * numbers: the interface id's position, IPv4 addresses, protocol, ports, TCP flags, action, log status and
 * flow direction. It checks every field as the string parser does (numbers are digits, keywords one of their
 * values, one space between fields, as many fields as the format has), so a line it accepts is one the parser
 * accepts. It gives up (false) on anything else — IPv6 addresses included — and the caller parses the line
 * the ordinary way.
 */
export class LineScanner {
  private readonly kinds: Kind[];
  private readonly values: (readonly string[] | undefined)[];
  /** the interface id: buf[idStart..idEnd), and its FNV-1a hash (32 bits) */
  idStart = 0;
  idEnd = 0;
  idHash = 0;
  /** IPv4 addresses as numbers, -1 when `-` */
  src = -1;
  dst = -1;
  pktSrc = -1;
  pktDst = -1;
  /** -1 when `-` */
  protocol = -1;
  srcport = -1;
  dstport = -1;
  tcpFlags = -1;
  /** 0 ACCEPT, 1 REJECT, -1 `-` */
  action = -1;
  /** 0 OK, 1 NODATA, 2 SKIPDATA, -1 `-` */
  status = -1;
  /** 1 ingress, 2 egress, 0 `-` */
  direction = 0;
  /** which of the fields the format has */
  readonly has: { id: boolean; src: boolean; dst: boolean; pktSrc: boolean; pktDst: boolean; protocol: boolean; action: boolean; status: boolean };

  constructor(fields: readonly ScanField[]) {
    this.kinds = (fields.map((f) => KIND_BY_NAME[f.name] ?? (f.kind === 'int' ? Kind.Int : f.values ? Kind.Keyword : Kind.Text)));
    this.values = fields.map((f) => f.values);
    const has = (n: string) => fields.some((f) => f.name === n);
    this.has = { id: has('interface-id'), src: has('srcaddr'), dst: has('dstaddr'), pktSrc: has('pkt-srcaddr'), pktDst: has('pkt-dstaddr'), protocol: has('protocol'), action: has('action'), status: has('log-status') };
    const fn = compileScan(this.kinds, this.values);
    this.scan = (buf, start, end) => fn(buf, start, end, this);
  }

  /** Reads the line `buf[start..end)`; false when it is not one the scanner takes (see the class). */
  readonly scan: (buf: Uint8Array, start: number, end: number) => boolean;
}

/** A keyword test in generated code: the field's bytes `s..i` equal `text`. */
function keywordTest(text: string): string {
  const parts = [`i - s === ${text.length}`];
  for (let k = 0; k < text.length; k++) parts.push(`buf[s + ${k}] === ${text.charCodeAt(k)}`);
  return parts.join(' && ');
}

/**
 * The scanner of one format as straight-line code: one block per field, no dispatch on the field's kind at run
 * time (several times faster than a loop over the fields).
 */
function compileScan(kinds: readonly Kind[], values: readonly (readonly string[] | undefined)[]): (buf: Uint8Array, start: number, end: number, o: LineScanner) => boolean {
  const out: string[] = [
    'o.src = o.dst = o.pktSrc = o.pktDst = -1;',
    'o.protocol = o.srcport = o.dstport = o.tcpFlags = o.action = o.status = -1;',
    'o.direction = 0; o.idStart = o.idEnd = 0;',
    'let i = start, s = 0, c = 0, v = 0, part = 0, digits = 0, dots = 0, h = 0;',
  ];
  const target: Partial<Record<Kind, string>> = {
    [Kind.Src]: 'o.src', [Kind.Dst]: 'o.dst', [Kind.PktSrc]: 'o.pktSrc', [Kind.PktDst]: 'o.pktDst',
    [Kind.Proto]: 'o.protocol', [Kind.SrcPort]: 'o.srcport', [Kind.DstPort]: 'o.dstport', [Kind.Flags]: 'o.tcpFlags',
  };
  kinds.forEach((kind, k) => {
    if (k > 0) out.push('if (i >= end || buf[i] !== 32) return false; i++;');
    out.push('if (i >= end || buf[i] === 32) return false;', 's = i;');
    // `-`: an absent value, whatever the field
    out.push('if (buf[i] === 45 && (i + 1 === end || buf[i + 1] === 32)) { i++; } else {');
    switch (kind) {
      case Kind.Src:
      case Kind.Dst:
      case Kind.PktSrc:
      case Kind.PktDst:
        out.push(
          'v = 0; part = 0; digits = 0; dots = 0;',
          'for (; i < end; i++) {',
          '  c = buf[i]; if (c === 32) break;',
          '  if (c === 46) { if (digits === 0) return false; v = v * 256 + part; part = 0; digits = 0; dots++; }',
          '  else { c -= 48; if (c < 0 || c > 9 || digits === 3) return false; part = part * 10 + c; if (part > 255) return false; digits++; }',
          '}',
          'if (dots !== 3 || digits === 0) return false;',
          `${target[kind]} = v * 256 + part;`,
        );
        break;
      case Kind.Int:
      case Kind.Proto:
      case Kind.SrcPort:
      case Kind.DstPort:
      case Kind.Flags:
        out.push(
          'v = 0;',
          'for (; i < end; i++) { c = buf[i]; if (c === 32) break; c -= 48; if (c < 0 || c > 9) return false; v = v * 10 + c; }',
          'if (i - s > 15) return false;',
        );
        if (kind !== Kind.Int) out.push(`${target[kind]} = v;`);
        break;
      case Kind.Id:
        out.push(
          'h = 0x811c9dc5;',
          'for (; i < end; i++) { c = buf[i]; if (c === 32) break; h = Math.imul(h ^ c, 0x01000193); }',
          'o.idStart = s; o.idEnd = i; o.idHash = h >>> 0;',
        );
        break;
      default: {
        out.push('while (i < end && buf[i] !== 32) i++;');
        const kw: [string, string][] =
          kind === Kind.Action ? [['ACCEPT', 'o.action = 0'], ['REJECT', 'o.action = 1']]
          : kind === Kind.Status ? [['OK', 'o.status = 0'], ['NODATA', 'o.status = 1'], ['SKIPDATA', 'o.status = 2']]
          : kind === Kind.Direction ? [['ingress', 'o.direction = 1'], ['egress', 'o.direction = 2']]
          : kind === Kind.Keyword ? (values[k] ?? []).map((t) => [t, ''])
          : [];
        if (kw.length) out.push(`if ${kw.map(([t, set]) => `(${keywordTest(t)}) { ${set} }`).join(' else if ')} else return false;`);
      }
    }
    out.push('}');
  });
  out.push('return i === end;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('buf', 'start', 'end', 'o', out.join('\n')) as (buf: Uint8Array, start: number, end: number, o: LineScanner) => boolean;
}
