// EC2 Query request parameters -> a plain object keyed by the model's member names.
// The wire names are the EC2 protocol's (botocore serialize.py EC2Serializer, Smithy's ec2Query): a member is
// `queryName`, else its capitalised `locationName`, else its member name; every list is flattened as `Name.N`
// (the list member's own locationName is not used on input); structures are `Name.Member`.

import { Ec2ProtocolError, ProtocolErrors } from './errors.js';
import {
  queryNameOf,
  shapeOf,
  type ListShape,
  type MemberRef,
  type Operation,
  type ScalarShape,
  type StructureShape,
} from './model.js';

export type QueryValue = string | number | boolean | Date | Uint8Array | QueryValue[] | QueryStructure;
export interface QueryStructure {
  [member: string]: QueryValue;
}

export type QueryParameters = ReadonlyMap<string, string> | URLSearchParams | Iterable<readonly [string, string]>;

/** Bounds against abusive requests; no real EC2 request comes near them. */
export const QUERY_LIMITS = {
  parameters: 10_000,
  listIndex: 100_000,
  /** Dot-separated segments in one name; the deepest real input (RunInstances
   *  NetworkInterface.N.PrivateIpAddresses.N.PrivateIpAddress) has 5. */
  depth: 16,
} as const;

// Common parameters of every request, and SigV2/SigV4 query authentication; the auth layer reads them.
const COMMON_PARAMETERS = new Set([
  'Action',
  'Version',
  'AWSAccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'Timestamp',
  'Expires',
]);
const isCommonParameter = (name: string) => COMMON_PARAMETERS.has(name) || name.startsWith('X-Amz-');

/** Parses the request parameters of `op`; throws Ec2ProtocolError. */
export function parseQuery(op: Operation, params: QueryParameters): QueryStructure {
  const walk = new Walk();
  const result = walk.structure(op.input, parameterTree(params), '');
  // Unknown names first, then bad values, then missing members: EC2 reads the request before it validates it.
  const error = walk.unknown ?? walk.invalid ?? walk.missing;
  if (error) throw error;
  return result;
}

/** Parameters split on '.' into a tree; each node remembers the first full name that reached it. */
interface ParamNode {
  name: string;
  value?: string;
  children: Map<string, ParamNode>;
}

function parameterTree(params: QueryParameters): ParamNode {
  const root: ParamNode = { name: '', children: new Map() };
  let count = 0;
  for (const [name, value] of params) {
    if (++count > QUERY_LIMITS.parameters) throw ProtocolErrors.tooManyParameters(QUERY_LIMITS.parameters);
    if (isCommonParameter(name)) continue;
    const segments = name.split('.');
    if (segments.length > QUERY_LIMITS.depth || segments.includes('')) throw ProtocolErrors.unknownParameter(name);
    let node = root;
    for (const segment of segments) {
      let child = node.children.get(segment);
      if (!child) {
        child = { name, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    // A repeated name keeps its first value, as a servlet's getParameter does.
    node.value ??= value;
  }
  return root;
}

interface WireMember {
  member: string;
  ref: MemberRef;
  wire: string;
}
interface WireIndex {
  /** the members in model order, with their wire names */
  members: WireMember[];
  /** wire name -> member name */
  byWire: Map<string, string>;
  required: Set<string>;
}
const wireIndexes = new WeakMap<StructureShape, WireIndex>();

/** A structure's members with their wire names, worked out once per shape. */
function wireIndex(shape: StructureShape): WireIndex {
  let index = wireIndexes.get(shape);
  if (!index) {
    const members = Object.entries(shape.members).map(([member, ref]) => ({ member, ref, wire: queryNameOf(member, ref) }));
    index = { members, byWire: new Map(members.map((m) => [m.wire, m.member])), required: new Set(shape.required ?? []) };
    wireIndexes.set(shape, index);
  }
  return index;
}

class Walk {
  unknown?: Ec2ProtocolError;
  invalid?: Ec2ProtocolError;
  missing?: Ec2ProtocolError;

  structure(shape: StructureShape, node: ParamNode, prefix: string): QueryStructure {
    if (node.value !== undefined) this.unknown ??= ProtocolErrors.unknownParameter(node.name);
    const index = wireIndex(shape);
    for (const [wire, child] of node.children) {
      if (!index.byWire.has(wire)) this.unknown ??= ProtocolErrors.unknownParameter(child.name);
    }
    const out: QueryStructure = {};
    for (const { member, ref, wire } of index.members) {
      const child = node.children.get(wire);
      if (child) {
        const value = this.value(ref, child, prefix + wire);
        if (value !== undefined) out[member] = value;
      } else if (index.required.has(member)) {
        this.missing ??= ProtocolErrors.missingParameter(prefix + wire);
      }
    }
    return out;
  }

  list(shape: ListShape, node: ParamNode, name: string): QueryValue[] {
    if (node.value !== undefined) {
      // `Name=` with no items is how the query protocol spells an empty list.
      if (node.value === '' && node.children.size === 0) return [];
      this.unknown ??= ProtocolErrors.unknownParameter(node.name);
    }
    const items: [number, ParamNode][] = [];
    for (const [segment, child] of node.children) {
      if (!/^[0-9]+$/.test(segment)) {
        this.unknown ??= ProtocolErrors.unknownParameter(child.name);
        continue;
      }
      const index = Number(segment);
      // Leading zeros would let `Name.1` and `Name.01` name the same item.
      if (segment[0] === '0' || index > QUERY_LIMITS.listIndex) {
        this.invalid ??= ProtocolErrors.invalidListIndex(child.name, segment, QUERY_LIMITS.listIndex);
        continue;
      }
      items.push([index, child]);
    }
    // Gaps are allowed; items keep the order of their indexes.
    items.sort((a, b) => a[0] - b[0]);
    const out: QueryValue[] = [];
    for (const [index, child] of items) {
      const value = this.value(shape.member, child, `${name}.${index}`);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  value(ref: MemberRef, node: ParamNode, name: string): QueryValue | undefined {
    const shape = shapeOf(ref);
    if (shape.type === 'structure') return this.structure(shape, node, `${name}.`);
    if (shape.type === 'list') return this.list(shape, node, name);
    if (node.children.size > 0 || node.value === undefined) {
      this.unknown ??= ProtocolErrors.unknownParameter([...node.children.values()][0]?.name ?? name);
      return undefined;
    }
    try {
      return scalar(shape, node.value, name);
    } catch (e) {
      if (!(e instanceof Ec2ProtocolError)) throw e;
      this.invalid ??= e;
      return undefined;
    }
  }
}

const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EPOCH_SECONDS = /^-?[0-9]+(\.[0-9]+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One scalar parameter converted to its model type. */
function scalar(shape: ScalarShape, raw: string, name: string): QueryValue {
  const invalid = (expected: string) => ProtocolErrors.invalidType(name, raw, expected);
  switch (shape.type) {
    case 'string':
      if (shape.enum && !shape.enum.includes(raw)) throw ProtocolErrors.invalidEnum(name, raw, shape.enum);
      return raw;
    case 'integer': {
      // Java int, as EC2's servers parse it.
      const n = Number(raw);
      if (!INTEGER.test(raw) || n < -(2 ** 31) || n > 2 ** 31 - 1) throw invalid('Integer');
      return n;
    }
    case 'long': {
      const n = Number(raw);
      if (!INTEGER.test(raw) || !Number.isSafeInteger(n)) throw invalid('Long');
      return n;
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw invalid('Boolean');
      return lower === 'true';
    }
    case 'double':
    case 'float': {
      const n = Number(raw);
      if (!DECIMAL.test(raw) || !Number.isFinite(n)) throw invalid('Double');
      return n;
    }
    case 'timestamp': {
      // botocore sends ISO 8601 (`2026-01-01T00:00:00Z`); epoch seconds are accepted too.
      const ms = ISO_8601.test(raw) ? Date.parse(raw) : EPOCH_SECONDS.test(raw) ? Number(raw) * 1000 : NaN;
      if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) throw invalid('Timestamp');
      return new Date(ms);
    }
    case 'blob':
      // Blobs travel base64-encoded (botocore QuerySerializer._serialize_type_blob).
      if (!BASE64.test(raw)) throw invalid('Blob');
      return new Uint8Array(Buffer.from(raw, 'base64'));
  }
}
