// rampart's library API: the same model, engine and scenarios the CLI uses.
export * from './net/index.js';
export { AwsError, Errors, isAwsError, type ErrorCode } from './model/errors.js';
export { DEFAULT_QUOTAS, CONNTRACK_TIMEOUTS, resolveQuotas, type Quotas } from './model/quotas.js';
export { SERVICE_PROFILES, ALWAYS_TRACKED_INTERFACE_TYPES, type ServiceProfile } from './model/services.js';
export { IdGenerator, isIdOf, arn } from './model/ids.js';
export type * from './model/types.js';
export { Region, DEFAULT_ACCOUNT, DEFAULT_REGION, type RegionOptions, type StateEvent, type RevokeResult } from './state/region.js';
export type { IpPermissionInput, SecurityGroupRuleRequest } from './state/permissions.js';
export {
  Engine,
  entryLabel,
  type Delivery,
  type Destination,
  type Endpoint,
  type EngineOptions,
  type Explanation,
  type ExplanationCode,
  type FlowEvent,
  type Hop,
  type SendOptions,
} from './engine/engine.js';
export { formatPacket, reversePacket, matchPort, type Packet } from './engine/packet.js';
export { probe, chooseAddresses, DEFAULT_INTERNET_ADDRESS, type ProbeEndpoint, type ProbeRequest, type ProbeResult } from './engine/probe.js';
export { matchingRules, peerAddresses, CompiledGroupSet } from './engine/policy.js';
export { CompiledAcl, firstMatchingEntry } from './engine/nacl.js';
export { loadScenario, Names, ScenarioError, type LoadedScenario } from './scenario/load.js';
export { simulate, parseDuration, type TimelineEvent, type Simulation } from './scenario/simulate.js';
export { parseTarget, resolveEndpoint, TargetError, type Target } from './scenario/targets.js';
export { Formatter, makeStyle } from './cli/format.js';
export { Reachability, type FlowEndpoint, type FlowResult, type PairReach, type ProtocolReach } from './analysis/reach.js';
export { Questions, diffReach, cellAt, formatPorts, formatSummary, type DiffEntry, type ExposureFinding, type MatrixCell, type PortSummary, type ReachRow, type RoleMatrix } from './analysis/questions.js';
export { generateEstate, generateEstateData, generateEstateReport, type GenerateOptions } from './scenario/generate.js';
export { startServer, DEFAULT_PORT, DEFAULT_HOST, type RunningServer, type ServeOptions } from './server/serve.js';
