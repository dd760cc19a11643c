// VPC Flow Logs over the EC2 Query API: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs (EC2 API Reference).
// The flow logs live in the Region (region.flowLogs); src/flowlogs makes their records and delivers them.
//
// AWS behaviour reproduced here:
// - CreateFlowLogs works per resource: a resource that does not exist, or already has a flow log with the same
//   destination and format, is an `Unsuccessful` item (InvalidVpcID.NotFound, InvalidSubnetID.NotFound,
//   InvalidNetworkInterfaceID.NotFound, FlowLogAlreadyExists) while the others are created;
// - a bad LogFormat (unknown `${field}`, bad syntax) or MaxAggregationInterval other than 60/600 fails the call
//   with InvalidParameter; CloudWatch Logs needs DeliverLogsPermissionArn; LogGroupName and LogDestination
//   exclude each other (InvalidParameterCombination); an S3 destination is a bucket ARN;
// - DescribeFlowLogs filters: deliver-log-status, log-destination-type, flow-log-id, log-group-name,
//   resource-id, traffic-type, tag:<key>, tag-key, tag-value; DeleteFlowLogs reports unknown ids as
//   `Unsuccessful` InvalidFlowLogId.NotFound items.
import { AwsError, Errors, type ErrorCode } from '../../model/errors.js';
import type { FlowLog } from '../../model/types.js';
import type { Region } from '../../state/region.js';
import { parseLogFormat, DEFAULT_LOG_FORMAT } from '../../flowlogs/format.js';
import { mutating, reading, type Ec2Context, type Ec2Input, type HandlerFamily } from '../context.js';
import { applyFilters, byIds, paginate, tagSpecifications, tagsOut } from '../describe.js';
import { registerTaggable } from './interfaces.js';

type Unsuccessful = { Error: { Code: string; Message: string }; ResourceId: string };

registerTaggable({
  resourceType: 'vpc-flow-log',
  find: (region, id) => region.flowLogs.get(id),
  all: (region) => [...region.flowLogs.values()],
});

const RESOURCE_TYPES = ['VPC', 'Subnet', 'NetworkInterface'] as const;
const DESTINATION_TYPES = ['cloud-watch-logs', 's3', 'kinesis-data-firehose'] as const;

function flowLogNotFound(id: string): AwsError {
  return new AwsError('InvalidFlowLogId.NotFound' as ErrorCode, `Flow log ${id} does not exist`);
}

/** The NotFound error of a missing resource, as an Unsuccessful item carries it. */
function resourceMissing(type: FlowLog['resourceType'], id: string): Unsuccessful {
  const e = type === 'VPC' ? Errors.vpcNotFound(id) : type === 'Subnet' ? Errors.subnetNotFound(id) : Errors.eniNotFound(id);
  return { ResourceId: id, Error: { Code: e.code, Message: e.message } };
}

function resourceExists(region: Region, type: FlowLog['resourceType'], id: string): boolean {
  return type === 'VPC' ? region.vpcs.has(id) : type === 'Subnet' ? region.subnets.has(id) : region.networkInterfaces.has(id);
}

/** The canonical form a LogFormat is stored and described in (one space between fields). */
function canonicalFormat(logFormat: string | undefined): string {
  try {
    return parseLogFormat(logFormat).logFormat;
  } catch (e) {
    if (e instanceof AwsError) throw e;
    throw Errors.invalidParameter(`Invalid LogFormat: ${String(logFormat)}`);
  }
}

function createFlowLogs(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const resourceType = input.ResourceType as FlowLog['resourceType'];
  if (!RESOURCE_TYPES.includes(resourceType as (typeof RESOURCE_TYPES)[number])) {
    throw Errors.invalidParameterValue(`rampart models flow logs of VPC, Subnet and NetworkInterface resources, not ${String(resourceType)}`);
  }
  const trafficType = input.TrafficType as FlowLog['trafficType'] | undefined;
  if (trafficType === undefined) throw Errors.missingParameter('TrafficType');
  const destinationType = (input.LogDestinationType as FlowLog['logDestinationType'] | undefined) ?? 'cloud-watch-logs';
  if (!DESTINATION_TYPES.includes(destinationType)) throw Errors.invalidParameterValue(`Invalid LogDestinationType: ${String(destinationType)}`);
  if (input.LogGroupName !== undefined && input.LogDestination !== undefined) throw Errors.invalidParameterCombination('Please only provide LogGroupName or only provide LogDestination.');
  if (destinationType === 'cloud-watch-logs') {
    if (input.LogGroupName === undefined && input.LogDestination === undefined) throw Errors.missingParameter('LogGroupName');
    if (input.DeliverLogsPermissionArn === undefined) throw Errors.invalidParameter('DeliverLogsPermissionArn is required when the flow log publishes to CloudWatch Logs');
  } else {
    if (input.LogDestination === undefined) throw Errors.missingParameter('LogDestination');
    if (input.LogGroupName !== undefined) throw Errors.invalidParameterCombination(`LogGroupName is only for flow logs that publish to CloudWatch Logs, not ${destinationType}`);
  }
  if (destinationType === 's3' && !/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(String(input.LogDestination))) {
    throw Errors.invalidParameter(`LogDestination: ${String(input.LogDestination)} is not an S3 bucket ARN (arn:aws:s3:::bucket[/prefix])`);
  }
  const interval = input.MaxAggregationInterval ?? 600;
  if (interval !== 60 && interval !== 600) throw Errors.invalidParameter(`Invalid MaxAggregationInterval: ${String(interval)}. Valid values are 60 and 600 seconds.`);
  // AWS stores the default format's string when none is given (DescribeFlowLogs shows it)
  const logFormat = input.LogFormat === undefined ? DEFAULT_LOG_FORMAT : canonicalFormat(String(input.LogFormat));
  const opts = input.DestinationOptions as { FileFormat?: string; HiveCompatiblePartitions?: boolean; PerHourPartition?: boolean } | undefined;
  if (opts && destinationType !== 's3') throw Errors.invalidParameterCombination('DestinationOptions apply only to flow logs that publish to Amazon S3');
  if (opts?.FileFormat !== undefined && opts.FileFormat !== 'plain-text' && opts.FileFormat !== 'parquet') throw Errors.invalidParameterValue(`Invalid FileFormat: ${opts.FileFormat}`);
  const tags = tagSpecifications(input.TagSpecifications, 'vpc-flow-log');
  const destination: string | undefined =
    input.LogDestination ?? (input.LogGroupName !== undefined ? `arn:aws:logs:${region.name}:${region.accountId}:log-group:${input.LogGroupName}` : undefined);
  const logGroupName: string | undefined =
    input.LogGroupName ?? (destinationType === 'cloud-watch-logs' ? /:log-group:([^:]+)/.exec(String(destination))?.[1] : undefined);

  const ids: string[] = [];
  const unsuccessful: Unsuccessful[] = [];
  const resourceIds = (input.ResourceIds as string[] | undefined) ?? [];
  if (resourceIds.length === 0) throw Errors.missingParameter('ResourceId.1');
  for (const resourceId of resourceIds) {
    if (!resourceExists(region, resourceType, resourceId)) {
      unsuccessful.push(resourceMissing(resourceType, resourceId));
      continue;
    }
    // one flow log per resource, destination and format (AWS: FlowLogAlreadyExists)
    const dup = [...region.flowLogs.values()].some(
      (f) => f.resourceId === resourceId && f.logDestinationType === destinationType && f.logDestination === destination && f.logFormat === logFormat,
    );
    if (dup) {
      unsuccessful.push({ ResourceId: resourceId, Error: { Code: 'FlowLogAlreadyExists', Message: 'Error. There is an existing Flow Log with the same configuration and log destination.' } });
      continue;
    }
    const fl: FlowLog = {
      id: region.ids.id('fl'), resourceId, resourceType, trafficType, logFormat, maxAggregationInterval: interval,
      logDestinationType: destinationType, creationTime: ctx.now.toISOString(), tags: tags.map((t) => ({ ...t })),
      ...(destination !== undefined ? { logDestination: destination } : {}),
      ...(logGroupName !== undefined ? { logGroupName } : {}),
      ...(input.DeliverLogsPermissionArn !== undefined ? { deliverLogsPermissionArn: String(input.DeliverLogsPermissionArn) } : {}),
      ...(input.DeliverCrossAccountRole !== undefined ? { deliverCrossAccountRole: String(input.DeliverCrossAccountRole) } : {}),
      ...(destinationType === 's3'
        ? { destinationOptions: { fileFormat: (opts?.FileFormat ?? 'plain-text') as 'plain-text' | 'parquet', hiveCompatiblePartitions: opts?.HiveCompatiblePartitions ?? false, perHourPartition: opts?.PerHourPartition ?? false } }
        : {}),
    };
    region.flowLogs.set(fl.id, fl);
    ids.push(fl.id);
  }
  return { ClientToken: input.ClientToken, FlowLogIds: ids, Unsuccessful: unsuccessful };
}

function flowLogOut(f: FlowLog) {
  return {
    CreationTime: f.creationTime, DeliverLogsPermissionArn: f.deliverLogsPermissionArn, DeliverCrossAccountRole: f.deliverCrossAccountRole,
    DeliverLogsStatus: 'SUCCESS', FlowLogId: f.id, FlowLogStatus: 'ACTIVE', LogGroupName: f.logGroupName, ResourceId: f.resourceId,
    TrafficType: f.trafficType, LogDestinationType: f.logDestinationType, LogDestination: f.logDestination, LogFormat: f.logFormat,
    Tags: tagsOut(f.tags), MaxAggregationInterval: f.maxAggregationInterval,
    DestinationOptions: f.destinationOptions
      ? { FileFormat: f.destinationOptions.fileFormat, HiveCompatiblePartitions: f.destinationOptions.hiveCompatiblePartitions, PerHourPartition: f.destinationOptions.perHourPartition }
      : undefined,
  };
}

function describeFlowLogs(input: Ec2Input, ctx: Ec2Context) {
  const all = byIds(ctx.region.flowLogs, input.FlowLogIds, flowLogNotFound);
  const filtered = applyFilters(all, input.Filter, {
    // rampart always delivers (to files), so delivery never fails
    'deliver-log-status': () => 'SUCCESS',
    'log-destination-type': (f) => f.logDestinationType,
    'flow-log-id': (f) => f.id,
    'log-group-name': (f) => f.logGroupName,
    'resource-id': (f) => f.resourceId,
    'traffic-type': (f) => f.trafficType,
  });
  const { page, nextToken } = paginate(filtered, input, { min: 1, max: 1000 });
  return { FlowLogs: page.map(flowLogOut), NextToken: nextToken };
}

function deleteFlowLogs(input: Ec2Input, ctx: Ec2Context) {
  const ids = (input.FlowLogIds as string[] | undefined) ?? [];
  if (!ids.length) throw Errors.missingParameter('FlowLogId.1');
  const unsuccessful: Unsuccessful[] = [];
  for (const id of ids) {
    if (!ctx.region.flowLogs.delete(id)) {
      const e = flowLogNotFound(id);
      unsuccessful.push({ ResourceId: id, Error: { Code: e.code, Message: e.message } });
    }
  }
  return { Unsuccessful: unsuccessful };
}

export const flowLogHandlers: HandlerFamily = {
  CreateFlowLogs: mutating(createFlowLogs),
  DescribeFlowLogs: reading(describeFlowLogs),
  DeleteFlowLogs: mutating(deleteFlowLogs),
};
