// The EC2 service model, pruned from botocore (scripts/prune-ec2-model.py writes model/ec2-model.json).
// Every wire name, type and enum the EC2 Query layer uses comes from here, so it cannot drift from AWS.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ScalarType = 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'float' | 'blob';

/** A reference from a structure member or a list to a shape, with its serialisation traits. */
export interface MemberRef {
  shape: string;
  /** Output element name; on input it is capitalised (EC2 protocol). */
  locationName?: string;
  /** Input parameter name, when it differs from the capitalised locationName. */
  queryName?: string;
  idempotencyToken?: boolean;
  deprecated?: boolean;
}

export interface StructureShape {
  type: 'structure';
  members: Record<string, MemberRef>;
  required?: string[];
}

export interface ListShape {
  type: 'list';
  member: MemberRef;
  min?: number;
  max?: number;
}

export interface ScalarShape {
  type: ScalarType;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  sensitive?: boolean;
}

export type Shape = StructureShape | ListShape | ScalarShape;

interface OperationDef {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
  output?: { shape: string };
}

export interface Ec2Model {
  version: string;
  metadata: { apiVersion: string; protocol: string; xmlNamespace: string; [key: string]: unknown };
  operations: Record<string, OperationDef>;
  shapes: Record<string, Shape>;
}

/** An operation with its input and output shapes resolved. */
export interface Operation {
  name: string;
  input: StructureShape;
  inputShapeName: string;
  /** Absent for actions whose response is only `<return>true</return>` (e.g. CreateNetworkAclEntry). */
  output?: StructureShape;
  outputShapeName?: string;
}

// Running from source (vitest, tsx) the JSON sits beside this file; tsc does not copy JSON into dist/, so
// a built module looks for it in the package's src/ec2/model.
const MODEL_CANDIDATES = ['./model/ec2-model.json', '../../../src/ec2/model/ec2-model.json'];

let loaded: { model: Ec2Model; operations: Map<string, Operation> } | undefined;

function load(): { model: Ec2Model; operations: Map<string, Operation> } {
  if (loaded) return loaded;
  const path = MODEL_CANDIDATES.map((p) => fileURLToPath(new URL(p, import.meta.url))).find((p) => existsSync(p));
  if (!path) throw new Error('ec2-model.json not found: run python3 scripts/prune-ec2-model.py');
  const model = JSON.parse(readFileSync(path, 'utf8')) as Ec2Model;
  const structure = (name: string): StructureShape => {
    const s = model.shapes[name];
    if (s?.type !== 'structure') throw new Error(`EC2 model: ${name} is not a structure`);
    return s;
  };
  const operations = new Map<string, Operation>();
  for (const def of Object.values(model.operations)) {
    // Every EC2 operation has an input shape (DryRun at least); guard anyway.
    const inputShapeName = def.input?.shape ?? '';
    const input = inputShapeName ? structure(inputShapeName) : { type: 'structure' as const, members: {} };
    const op: Operation = { name: def.name, input, inputShapeName };
    if (def.output) {
      op.output = structure(def.output.shape);
      op.outputShapeName = def.output.shape;
    }
    operations.set(def.name, op);
  }
  loaded = { model, operations };
  return loaded;
}

/** The whole pruned model (for tests and tooling). */
export function ec2Model(): Ec2Model {
  return load().model;
}

/** The operation called `name` (the `Action` parameter), or undefined if rampart does not serve it. */
export function operation(name: string): Operation | undefined {
  return load().operations.get(name);
}

/** Names of every operation in the model. */
export function operationNames(): string[] {
  return [...load().operations.keys()];
}

/** The shape a member or list refers to. */
export function shapeOf(ref: MemberRef): Shape {
  const s = load().model.shapes[ref.shape];
  if (!s) throw new Error(`EC2 model: unknown shape ${ref.shape}`);
  return s;
}

/** The request parameter name of a member (EC2 protocol: queryName, else capitalised locationName, else the
 *  member name), as botocore's EC2Serializer._get_serialized_name computes it. */
export function queryNameOf(memberName: string, ref: MemberRef): string {
  if (ref.queryName) return ref.queryName;
  if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
  return memberName;
}

/** The response element name of a member: its locationName, else the member name unchanged, as botocore's
 *  BaseXMLResponseParser._member_key_name reads it (it does not lower-case the member name). */
export function xmlNameOf(memberName: string, ref: MemberRef): string {
  return ref.locationName ?? memberName;
}
