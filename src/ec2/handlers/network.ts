import type { HandlerFamily } from '../context.js';

export const networkHandlers: HandlerFamily = {};
