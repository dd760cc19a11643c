import type { HandlerFamily } from '../context.js';

export const insightsHandlers: HandlerFamily = {};
