import type { HandlerFamily } from '../context.js';

export const securityGroupHandlers: HandlerFamily = {};
