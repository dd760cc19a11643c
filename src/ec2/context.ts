// What a handler gets: the account + Region state it acts on, its packet engine, and the request's identity.
// Handlers never see HTTP or XML: they take the parsed input (model member names) and return the output object.
import type { Engine } from '../engine/engine.js';
import type { Region } from '../state/region.js';

export interface Ec2Context {
  region: Region;
  engine: Engine;
  accountId: string;
  regionName: string;
  requestId: string;
  /** the time of the request (handlers use it for timestamps, so replays give the same answers) */
  now: Date;
}

/** Parsed input of an operation, keyed by the model's member names (`GroupId`, `IpPermissions`, …). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Ec2Input = Record<string, any>;
export type Ec2Output = Record<string, unknown> | undefined;

export interface HandlerSpec {
  handler: (input: Ec2Input, ctx: Ec2Context) => Ec2Output;
  /** changes state: recorded in the event log and the journal */
  mutating: boolean;
}

/** One module's handlers by action name. */
export type HandlerFamily = Record<string, HandlerSpec>;

export const mutating = (handler: HandlerSpec['handler']): HandlerSpec => ({ handler, mutating: true });
export const reading = (handler: HandlerSpec['handler']): HandlerSpec => ({ handler, mutating: false });
