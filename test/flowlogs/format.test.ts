import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOG_FORMAT,
  FLOW_LOG_FIELDS,
  FlowRecordParseError,
  formatFromHeader,
  formatRecord,
  isHeaderLine,
  parseFlowLogText,
  parseLogFormat,
  parseRecord,
  recordParser,
  type FlowRecord,
} from '../../src/flowlogs/format.js';
import { AwsError } from '../../src/model/errors.js';

describe('flow-log format catalogue', () => {
  it('the default format is the 14 version-2 fields in the User Guide order', () => {
    expect(DEFAULT_LOG_FORMAT).toBe(
      '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
    );
    const f = parseLogFormat(undefined);
    expect(f.version).toBe(2);
    expect(f.fields).toHaveLength(14);
    expect(f.header).toBe('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status');
  });

  it('knows every field of versions 3, 4, 5, 7 and 8 with its version', () => {
    const byVersion = (v: number) => FLOW_LOG_FIELDS.filter((f) => f.version === v).map((f) => f.name);
    expect(byVersion(3)).toEqual(['vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr']);
    expect(byVersion(4)).toEqual(['region', 'az-id', 'sublocation-type', 'sublocation-id']);
    expect(byVersion(5)).toEqual(['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path']);
    expect(byVersion(7)).toHaveLength(10);
    expect(byVersion(8)).toEqual(['reject-reason']);
    expect(new Set(FLOW_LOG_FIELDS.map((f) => f.key)).size).toBe(FLOW_LOG_FIELDS.length);
  });

  it('a custom format takes the version of its newest field', () => {
    expect(parseLogFormat('${version} ${srcaddr} ${vpc-id}').version).toBe(3);
    expect(parseLogFormat('${az-id} ${srcaddr}').version).toBe(4);
    expect(parseLogFormat('${version} ${flow-direction} ${tcp-flags}').version).toBe(5);
    expect(parseLogFormat('${version} ${action} ${reject-reason}').version).toBe(8);
    expect(parseLogFormat('${srcaddr}').version).toBe(2);
  });

  it('unknown or malformed fields are InvalidParameter errors naming them', () => {
    const bad = (s: string) => {
      try {
        parseLogFormat(s);
      } catch (e) {
        expect(e).toBeInstanceOf(AwsError);
        return `${(e as AwsError).code}: ${(e as AwsError).message}`;
      }
      return 'accepted';
    };
    expect(bad('${version} ${src-addr}')).toBe('InvalidParameter: Unknown fields provided in LogFormat: ${src-addr}');
    expect(bad('${version},${srcaddr}')).toMatch(/^InvalidParameter: LogFormat is malformed.*'\$\{version\},\$\{srcaddr\}'/);
    expect(bad('version srcaddr')).toMatch(/^InvalidParameter: LogFormat is malformed/);
  });
});

describe('flow-log records', () => {
  const v2 = parseLogFormat(undefined);

  it('formats the User Guide examples byte for byte and parses them back', () => {
    const accepted: FlowRecord = {
      accountId: '123456789010', interfaceId: 'eni-1235b8ca123456789', srcaddr: '172.31.16.139', dstaddr: '172.31.16.21',
      srcport: 20641, dstport: 22, protocol: 6, packets: 20, bytes: 4249, start: 1418530010, end: 1418530070, action: 'ACCEPT', logStatus: 'OK',
    };
    const line = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
    expect(formatRecord(accepted, v2)).toBe(line);
    expect(parseRecord(line, v2)).toMatchObject({ ...accepted, version: 2 });

    const nodata = '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA';
    const r = parseRecord(nodata, v2);
    expect(r.srcaddr).toBeUndefined();
    expect(r.packets).toBeUndefined();
    expect(r.action).toBeUndefined();
    expect(r.logStatus).toBe('NODATA');
    expect(formatRecord(r, v2)).toBe(nodata);
  });

  it('round-trips a custom format with v3–v5 and v8 fields', () => {
    const fmt = parseLogFormat('${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path} ${reject-reason}');
    const line = '8 vpc-0a1 subnet-0b2 i-0c3 eni-0d4 123456789012 IPv4 10.0.1.10 52.95.1.1 40000 443 10.0.1.10 52.95.1.1 6 1200 10 1700000000 1700000059 ACCEPT 19 OK us-east-1 use1-az1 - - - S3 egress 8 -';
    const r = parseRecord(line, fmt);
    expect(r).toMatchObject({ version: 8, vpcId: 'vpc-0a1', type: 'IPv4', tcpFlags: 19, pktDstAwsService: 'S3', pktSrcAwsService: undefined, flowDirection: 'egress', trafficPath: 8, rejectReason: undefined, azId: 'use1-az1' });
    expect(formatRecord(r, fmt)).toBe(line);
    // a record built without a version is written with the format's
    expect(formatRecord({ ...r, version: undefined }, fmt)).toBe(line);
  });

  it('refuses lines of the wrong shape with the reason', () => {
    const p = recordParser(v2);
    expect(() => p('2 123 eni-1 1.2.3.4')).toThrow(/expected 14 fields, dstaddr is missing/);
    expect(() => p('2 123456789010 eni-1 a b 1 2 6 x 4 5 6 ACCEPT OK')).toThrow(/packets is not a number: x/);
    expect(() => p('2 123456789010 eni-1 a b 1 2 6 3 4 5 6 ALLOW OK')).toThrow(/bad action: ALLOW/);
    expect(() => p('2 123456789010 eni-1 a b 1 2 6 3 4 5 6 ACCEPT OK extra')).toThrow(/more than 14 fields/);
    expect(() => p('2 123456789010 eni-1 a  b 1 2 6 3 4 5 6 ACCEPT OK')).toThrow(FlowRecordParseError);
    // CRLF line endings are accepted
    expect(p('2 123456789010 eni-1 a b 1 2 6 3 4 5 6 REJECT OK\r').logStatus).toBe('OK');
  });

  it('reuses a record object when given one', () => {
    const p = recordParser(v2);
    const r = p('2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 5 6 ACCEPT OK');
    const again = p('2 1 eni-2 - - - - - - - 5 6 - NODATA', r);
    expect(again).toBe(r);
    expect(r.interfaceId).toBe('eni-2');
    expect(r.srcaddr).toBeUndefined();
  });

  it('reads S3 files by their header line', () => {
    expect(isHeaderLine('version account-id interface-id')).toBe(true);
    expect(isHeaderLine('2 123 eni-1')).toBe(false);
    const text = 'version srcaddr flow-direction tcp-flags\n3 10.0.0.1 ingress 2\n3 10.0.0.2 egress 18\n';
    const recs = parseFlowLogText(text);
    expect(recs.map((r) => [r.srcaddr, r.flowDirection, r.tcpFlags])).toEqual([['10.0.0.1', 'ingress', 2], ['10.0.0.2', 'egress', 18]]);
    expect(formatFromHeader('version srcaddr flow-direction tcp-flags').version).toBe(5);
    expect(() => parseFlowLogText('version srcaddr\n2 10.0.0.1\n2 x y\n')).toThrow(/line 3: more than 2 fields/);
  });
});
