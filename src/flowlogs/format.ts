// VPC Flow Logs record format: the field catalogue, LogFormat strings, and fast conversion between flow-log
// lines and records.
//
// AWS rules implemented here (Amazon VPC User Guide, "Flow log records" → "Available fields"):
// - a record is a string of fields separated by single spaces, in the order of the flow log's format;
// - the default format holds the version-2 fields in catalogue order;
// - a custom format is `${field}` tokens separated by spaces; any subset, any order, at least one field;
// - a field that does not apply to a record, or could not be computed, is written `-`;
// - `version` is the highest version among the format's fields (v3 fields make a v3 record, and so on);
// - S3 files start with a header line of the field names (no `${}`), in the format's order.
import { AwsError } from '../model/errors.js';

/** How a field's value is written and read: an unsigned integer, or text (an id, address or keyword). */
export type FieldKind = 'int' | 'text';

export interface FieldSpec {
  /** the field's name in LogFormat strings and header lines, e.g. `pkt-srcaddr` */
  name: string;
  /** the FlowRecord property holding it */
  key: keyof FlowRecord;
  /** the flow-log version that introduced the field */
  version: number;
  kind: FieldKind;
  /** keyword values AWS documents for the field (others are refused when parsing) */
  values?: readonly string[];
  description: string;
}

/** One flow-log record. Every property is optional: `undefined` is the `-` of a line. */
export interface FlowRecord {
  // version 2 (the default format)
  version?: number;
  accountId?: string;
  interfaceId?: string;
  srcaddr?: string;
  dstaddr?: string;
  srcport?: number;
  dstport?: number;
  protocol?: number;
  packets?: number;
  bytes?: number;
  start?: number;
  end?: number;
  action?: 'ACCEPT' | 'REJECT';
  logStatus?: 'OK' | 'NODATA' | 'SKIPDATA';
  // version 3
  vpcId?: string;
  subnetId?: string;
  instanceId?: string;
  tcpFlags?: number;
  type?: 'IPv4' | 'IPv6' | 'EFA';
  pktSrcaddr?: string;
  pktDstaddr?: string;
  // version 4
  region?: string;
  azId?: string;
  sublocationType?: 'wavelength' | 'outpost' | 'localzone';
  sublocationId?: string;
  // version 5
  pktSrcAwsService?: string;
  pktDstAwsService?: string;
  flowDirection?: 'ingress' | 'egress';
  trafficPath?: number;
  // version 7 (Amazon ECS; rampart models no ECS tasks, so these are `-` in records it produces)
  ecsClusterArn?: string;
  ecsClusterName?: string;
  ecsContainerInstanceArn?: string;
  ecsContainerInstanceId?: string;
  ecsContainerId?: string;
  ecsSecondContainerId?: string;
  ecsServiceName?: string;
  ecsTaskDefinitionArn?: string;
  ecsTaskArn?: string;
  ecsTaskId?: string;
  // version 8
  rejectReason?: string;
}

/** The AWS service names `pkt-src-aws-service` / `pkt-dst-aws-service` can take (User Guide, available fields). */
export const AWS_SERVICE_NAMES = [
  'AMAZON', 'AMAZON_APPFLOW', 'AMAZON_CONNECT', 'API_GATEWAY', 'CHIME_MEETINGS', 'CHIME_VOICECONNECTOR', 'CLOUD9',
  'CLOUDFRONT', 'CODEBUILD', 'DYNAMODB', 'EBS', 'EC2', 'EC2_INSTANCE_CONNECT', 'GLOBALACCELERATOR',
  'KINESIS_VIDEO_STREAMS', 'ROUTE53', 'ROUTE53_HEALTHCHECKS', 'ROUTE53_HEALTHCHECKS_PUBLISHING', 'ROUTE53_RESOLVER',
  'S3', 'WORKSPACES_GATEWAYS',
] as const;

/**
 * `traffic-path` values (User Guide, available fields): the path egress traffic takes; `-` for ingress traffic
 * and when none applies.
 */
export const TRAFFIC_PATH = {
  sameVpc: 1, // through another resource in the same VPC (including resources that create an ENI in it)
  internetGatewayOrGatewayEndpoint: 2,
  virtualPrivateGateway: 3,
  intraRegionPeering: 4,
  interRegionPeering: 5,
  localGateway: 6,
  gatewayEndpointNitro: 7, // gateway VPC endpoint, Nitro-based instances only
  internetGatewayNitro: 8, // internet gateway, Nitro-based instances only
} as const;

/** Every field AWS documents, in the order of the User Guide's table (the default format is its v2 prefix). */
export const FLOW_LOG_FIELDS: readonly FieldSpec[] = [
  { name: 'version', key: 'version', version: 2, kind: 'int', description: 'the flow-log version: the highest version among the format\'s fields' },
  { name: 'account-id', key: 'accountId', version: 2, kind: 'text', description: 'the account owning the source interface (`unknown` for some AWS-service interfaces)' },
  { name: 'interface-id', key: 'interfaceId', version: 2, kind: 'text', description: 'the network interface the traffic is recorded for' },
  { name: 'srcaddr', key: 'srcaddr', version: 2, kind: 'text', description: 'source address: for incoming traffic the sender, for outgoing traffic the interface\'s primary private IPv4 (or its IPv6)' },
  { name: 'dstaddr', key: 'dstaddr', version: 2, kind: 'text', description: 'destination address: for outgoing traffic the receiver, for incoming traffic the interface\'s primary private IPv4 (or its IPv6)' },
  { name: 'srcport', key: 'srcport', version: 2, kind: 'int', description: 'source port (0 for protocols without ports)' },
  { name: 'dstport', key: 'dstport', version: 2, kind: 'int', description: 'destination port (0 for protocols without ports)' },
  { name: 'protocol', key: 'protocol', version: 2, kind: 'int', description: 'IANA protocol number' },
  { name: 'packets', key: 'packets', version: 2, kind: 'int', description: 'packets in the flow during the interval' },
  { name: 'bytes', key: 'bytes', version: 2, kind: 'int', description: 'bytes in the flow during the interval' },
  { name: 'start', key: 'start', version: 2, kind: 'int', description: 'Unix seconds of the first packet of the flow in the interval' },
  { name: 'end', key: 'end', version: 2, kind: 'int', description: 'Unix seconds of the last packet of the flow in the interval' },
  { name: 'action', key: 'action', version: 2, kind: 'text', values: ['ACCEPT', 'REJECT'], description: 'ACCEPT or REJECT, as security groups and network ACLs decided' },
  { name: 'log-status', key: 'logStatus', version: 2, kind: 'text', values: ['OK', 'NODATA', 'SKIPDATA'], description: 'OK; NODATA: no traffic in the interval; SKIPDATA: records skipped' },
  { name: 'vpc-id', key: 'vpcId', version: 3, kind: 'text', description: 'the VPC of the interface' },
  { name: 'subnet-id', key: 'subnetId', version: 3, kind: 'text', description: 'the subnet of the interface' },
  { name: 'instance-id', key: 'instanceId', version: 3, kind: 'text', description: 'the instance the interface is attached to, when you own it' },
  { name: 'tcp-flags', key: 'tcpFlags', version: 3, kind: 'int', description: 'bitwise OR of the TCP flags seen in the interval (FIN 1, SYN 2, RST 4, SYN-ACK 18)' },
  { name: 'type', key: 'type', version: 3, kind: 'text', values: ['IPv4', 'IPv6', 'EFA'], description: 'IPv4, IPv6 or EFA' },
  { name: 'pkt-srcaddr', key: 'pktSrcaddr', version: 3, kind: 'text', description: 'the packet-level (original) source address' },
  { name: 'pkt-dstaddr', key: 'pktDstaddr', version: 3, kind: 'text', description: 'the packet-level (original) destination address' },
  { name: 'region', key: 'region', version: 4, kind: 'text', description: 'the Region of the interface' },
  { name: 'az-id', key: 'azId', version: 4, kind: 'text', description: 'the Availability Zone ID of the interface (e.g. use1-az1)' },
  { name: 'sublocation-type', key: 'sublocationType', version: 4, kind: 'text', values: ['wavelength', 'outpost', 'localzone'], description: 'wavelength, outpost or localzone; `-` in a Region\'s zones' },
  { name: 'sublocation-id', key: 'sublocationId', version: 4, kind: 'text', description: 'the ID of the sublocation' },
  { name: 'pkt-src-aws-service', key: 'pktSrcAwsService', version: 5, kind: 'text', description: 'the AWS service the pkt-srcaddr belongs to' },
  { name: 'pkt-dst-aws-service', key: 'pktDstAwsService', version: 5, kind: 'text', description: 'the AWS service the pkt-dstaddr belongs to' },
  { name: 'flow-direction', key: 'flowDirection', version: 5, kind: 'text', values: ['ingress', 'egress'], description: 'ingress or egress, relative to the interface' },
  { name: 'traffic-path', key: 'trafficPath', version: 5, kind: 'int', description: 'the path egress traffic takes (1–8, see TRAFFIC_PATH); `-` for ingress' },
  { name: 'ecs-cluster-arn', key: 'ecsClusterArn', version: 7, kind: 'text', description: 'ECS cluster ARN' },
  { name: 'ecs-cluster-name', key: 'ecsClusterName', version: 7, kind: 'text', description: 'ECS cluster name' },
  { name: 'ecs-container-instance-arn', key: 'ecsContainerInstanceArn', version: 7, kind: 'text', description: 'ECS container instance ARN' },
  { name: 'ecs-container-instance-id', key: 'ecsContainerInstanceId', version: 7, kind: 'text', description: 'ECS container instance ID' },
  { name: 'ecs-container-id', key: 'ecsContainerId', version: 7, kind: 'text', description: 'Docker runtime ID of the first container of the task' },
  { name: 'ecs-second-container-id', key: 'ecsSecondContainerId', version: 7, kind: 'text', description: 'Docker runtime ID of the second container' },
  { name: 'ecs-service-name', key: 'ecsServiceName', version: 7, kind: 'text', description: 'ECS service name' },
  { name: 'ecs-task-definition-arn', key: 'ecsTaskDefinitionArn', version: 7, kind: 'text', description: 'ECS task definition ARN' },
  { name: 'ecs-task-arn', key: 'ecsTaskArn', version: 7, kind: 'text', description: 'ECS task ARN' },
  { name: 'ecs-task-id', key: 'ecsTaskId', version: 7, kind: 'text', description: 'ECS task ID' },
  { name: 'reject-reason', key: 'rejectReason', version: 8, kind: 'text', description: 'why traffic was rejected: BPA (VPC Block Public Access); `-` for any other reason' },
];

const BY_NAME = new Map(FLOW_LOG_FIELDS.map((f) => [f.name, f]));

export function fieldByName(name: string): FieldSpec | undefined {
  return BY_NAME.get(name);
}

/** The default format string (version 2), as DescribeFlowLogs reports it for a flow log created without one. */
export const DEFAULT_LOG_FORMAT = FLOW_LOG_FIELDS.filter((f) => f.version === 2).map((f) => `\${${f.name}}`).join(' ');

/** A parsed LogFormat: its fields in order and the version its records carry. */
export interface FlowLogFormat {
  fields: readonly FieldSpec[];
  /** the highest version among the fields */
  version: number;
  /** the canonical LogFormat string: `${a} ${b} …` */
  logFormat: string;
  /** the header line of S3 files: `a b …` */
  header: string;
}

function makeFormat(fields: FieldSpec[]): FlowLogFormat {
  let version = 2;
  for (const f of fields) if (f.version > version) version = f.version;
  return { fields, version, logFormat: fields.map((f) => `\${${f.name}}`).join(' '), header: fields.map((f) => f.name).join(' ') };
}

const formatCache = new Map<string, FlowLogFormat>();

/**
 * Parses a LogFormat string (`${version} ${vpc-id} …`). An empty or absent string is the default format.
 * Bad input is an `InvalidParameter` error naming the offending tokens, as CreateFlowLogs refuses it.
 */
export function parseLogFormat(logFormat: string | undefined): FlowLogFormat {
  const text = (logFormat ?? '').trim();
  const key = text || DEFAULT_LOG_FORMAT;
  const cached = formatCache.get(key);
  if (cached) return cached;
  const tokens = key.split(/\s+/);
  const fields: FieldSpec[] = [];
  const unknown: string[] = [];
  const malformed: string[] = [];
  for (const t of tokens) {
    const m = /^\$\{([a-z0-9-]+)\}$/.exec(t);
    if (!m) {
      malformed.push(t);
      continue;
    }
    const spec = BY_NAME.get(m[1]!);
    if (spec) fields.push(spec);
    else unknown.push(t);
  }
  if (malformed.length) throw new AwsError('InvalidParameter', `LogFormat is malformed: each field must be written \${field-name} and separated by spaces (got ${malformed.map((t) => `'${t}'`).join(', ')})`);
  if (unknown.length) throw new AwsError('InvalidParameter', `Unknown fields provided in LogFormat: ${unknown.join(', ')}`);
  const f = makeFormat(fields);
  if (formatCache.size < 1000) formatCache.set(key, f);
  return f;
}

/** The format of an S3 file from its header line (`version account-id …`). */
export function formatFromHeader(header: string): FlowLogFormat {
  const names = header.trim().split(/\s+/);
  const fields: FieldSpec[] = [];
  for (const n of names) {
    const spec = BY_NAME.get(n);
    if (!spec) throw new FlowRecordParseError(`not a flow-log header: unknown field '${n}'`, 1);
    fields.push(spec);
  }
  return makeFormat(fields);
}

/** Whether a line is a header line (field names) rather than a record: records never start with a letter. */
export function isHeaderLine(line: string): boolean {
  const c = line.charCodeAt(0);
  return (c >= 97 && c <= 122) && BY_NAME.has(line.slice(0, line.indexOf(' ') < 0 ? line.length : line.indexOf(' ')));
}

/** A line that does not fit its format; `line` is 1-based when known. */
export class FlowRecordParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line !== undefined ? `line ${line}: ${message}` : message);
    this.name = 'FlowRecordParseError';
  }
}

/** A record with every property present (undefined), so records built by the parser share one shape. */
export function emptyRecord(): FlowRecord {
  return new RecordShape();
}

// a constructor assigning every property in one order: records get one hidden class (fast property access),
// which an object filled key by key in a loop does not
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const RecordShape = new Function(FLOW_LOG_FIELDS.map((f) => `this[${JSON.stringify(f.key)}] = undefined;`).join('\n')) as unknown as new () => FlowRecord;

// ------------------------------------------------------------------ writing

const formatterCache = new WeakMap<FlowLogFormat, (rec: FlowRecord) => string>();

/** A writer compiled for one format: one string concatenation per record, `-` for absent fields. */
export function recordFormatter(format: FlowLogFormat): (rec: FlowRecord) => string {
  const cached = formatterCache.get(format);
  if (cached) return cached;
  const parts = format.fields.map((f) => {
    const v = `r[${JSON.stringify(f.key)}]`;
    if (f.key === 'version') return `(${v} === undefined ? ${JSON.stringify(String(format.version))} : '' + ${v})`;
    return `(${v} === undefined || ${v} === '' ? '-' : '' + ${v})`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function('r', `return ${parts.join(" + ' ' + ")};`) as (rec: FlowRecord) => string;
  formatterCache.set(format, fn);
  return fn;
}

/** One record as a line of the format (no newline). `version` defaults to the format's version. */
export function formatRecord(rec: FlowRecord, format: FlowLogFormat): string {
  return recordFormatter(format)(rec);
}

// ------------------------------------------------------------------ reading

/** Fills `into` (or a new record) from a line of the given format. */
export type RecordParser = (line: string, into?: FlowRecord) => FlowRecord;

const parserCache = new WeakMap<FlowLogFormat, RecordParser>();

/**
 * A parser compiled for one format: one pass over the line with indexOf, numbers read digit by digit
 * without substrings, keywords matched in place (no allocation), and a substring only for ids and addresses.
 * Throws FlowRecordParseError on a line of the wrong shape.
 */
export function recordParser(format: FlowLogFormat): RecordParser {
  const cached = parserCache.get(format);
  if (cached) return cached;
  const n = format.fields.length;
  const body: string[] = [
    'if (r === undefined) r = empty();',
    'let i = 0, j = 0, v = 0, c = 0;',
    'const L = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;',
  ];
  format.fields.forEach((f, k) => {
    const last = k === n - 1;
    const prop = JSON.stringify(f.key);
    body.push(last
      ? `j = L; if (line.indexOf(' ', i) >= 0 && line.indexOf(' ', i) < L) fail(${JSON.stringify(`more than ${n} fields`)});`
      : `j = line.indexOf(' ', i); if (j < 0 || j >= L) fail(${JSON.stringify(`expected ${n} fields, ${format.fields[k + 1]!.name} is missing`)});`);
    body.push(`if (j === i) fail(${JSON.stringify(`empty ${f.name} field (fields are separated by single spaces)`)});`);
    body.push(`if (j === i + 1 && line.charCodeAt(i) === 45) r[${prop}] = undefined; else {`);
    if (f.kind === 'int') {
      body.push(
        `v = 0; for (let p = i; p < j; p++) { c = line.charCodeAt(p) - 48; if (c < 0 || c > 9) fail(${JSON.stringify(`${f.name} is not a number: `)} + line.slice(i, j)); v = v * 10 + c; }`,
        `r[${prop}] = v;`,
      );
    } else if (f.values) {
      const alts = f.values.map((val) => `(j - i === ${val.length} && line.startsWith(${JSON.stringify(val)}, i)) r[${prop}] = ${JSON.stringify(val)};`);
      body.push(`if ${alts.join(' else if ')} else fail(${JSON.stringify(`bad ${f.name}: `)} + line.slice(i, j));`);
    } else {
      body.push(`r[${prop}] = line.slice(i, j);`);
    }
    body.push('}', 'i = j + 1;');
  });
  body.push('return r;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('empty', 'fail', `return function parseFlowRecord(line, r) {\n${body.join('\n')}\n};`) as (
    empty: () => FlowRecord,
    fail: (m: string) => never,
  ) => RecordParser;
  const parser = make(emptyRecord, (m: string) => {
    throw new FlowRecordParseError(m);
  });
  parserCache.set(format, parser);
  return parser;
}

/** Parses one line of the given format (a convenience over recordParser). */
export function parseRecord(line: string, format: FlowLogFormat): FlowRecord {
  return recordParser(format)(line);
}

/**
 * Parses a whole flow-log text: with a header line first (as in S3 files) the header gives the format;
 * otherwise `format` (default: the v2 default format). Blank lines are skipped.
 */
export function parseFlowLogText(text: string, format?: FlowLogFormat): FlowRecord[] {
  const lines = text.split('\n');
  let fmt = format;
  let first = 0;
  if (lines.length && isHeaderLine(lines[0]!)) {
    fmt = formatFromHeader(lines[0]!);
    first = 1;
  }
  const parse = recordParser(fmt ?? parseLogFormat(undefined));
  const out: FlowRecord[] = [];
  for (let k = first; k < lines.length; k++) {
    const line = lines[k]!;
    if (line === '' || line === '\r') continue;
    try {
      out.push(parse(line));
    } catch (e) {
      if (e instanceof FlowRecordParseError) throw new FlowRecordParseError(e.message, k + 1);
      throw e;
    }
  }
  return out;
}
