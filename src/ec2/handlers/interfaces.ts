import type { HandlerFamily } from '../context.js';

export const interfaceHandlers: HandlerFamily = {};
