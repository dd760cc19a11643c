// The EC2 protocol pipeline, small steps in AWS's order: find the action -> parse its parameters against the
// model -> DryRun -> run the handler -> serialise. Errors are data (AwsError, Ec2ProtocolError) and come back as
// EC2's error document with their status; anything else is a server fault (500 InternalError), never the client's.
import { AwsError, Errors } from '../model/errors.js';
import type { Ec2Context, HandlerFamily } from './context.js';
import { Ec2ProtocolError } from './errors.js';
import { handlers } from './handlers/index.js';
import { flowLogHandlers } from './handlers/flow-logs.js';
import { operation } from './model.js';
import { parseQuery, type QueryParameters } from './query.js';
import { serializeError, serializeResponse } from './xml.js';

export interface Ec2Response {
  status: number;
  body: string;
  /** set for successful mutating calls: what the event log records */
  event?: { action: string; input: Record<string, unknown>; output: Record<string, unknown> | undefined };
  errorCode?: string;
}

export function handlerFor(action: string): HandlerFamily[string] | undefined {
  // flow logs live in the Region and are served by their own family (it takes over from interfaces.ts)
  if (Object.prototype.hasOwnProperty.call(flowLogHandlers, action)) return flowLogHandlers[action];
  return Object.prototype.hasOwnProperty.call(handlers, action) ? handlers[action] : undefined;
}

export function dispatch(action: string | undefined, params: QueryParameters, ctx: Ec2Context): Ec2Response {
  try {
    if (!action) throw Errors.missingParameter('Action');
    const op = operation(action);
    const spec = handlerFor(action);
    if (!op || !spec) throw Errors.invalidAction(action);
    const input = parseQuery(op, params);
    // DryRun: the request is well formed and rampart has no permissions to deny, so it would have succeeded.
    if (input.DryRun === true) throw Errors.dryRun();
    const output = spec.handler(input, ctx);
    const body = serializeResponse(op, output, ctx.requestId);
    return { status: 200, body, ...(spec.mutating ? { event: { action, input, output } } : {}) };
  } catch (e) {
    if (e instanceof AwsError || e instanceof Ec2ProtocolError) {
      return { status: e.status, body: serializeError(e.code, e.message, ctx.requestId), errorCode: e.code };
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`rampart: internal error in ${action}: ${e instanceof Error ? e.stack : message}\n`);
    return { status: 500, body: serializeError('InternalError', 'An internal error has occurred', ctx.requestId), errorCode: 'InternalError' };
  }
}
