// Every action rampart serves, by family. Each family module owns its actions and their Describe filters.
import type { HandlerFamily } from '../context.js';
import { securityGroupHandlers } from './security-groups.js';
import { networkHandlers } from './network.js';
import { interfaceHandlers } from './interfaces.js';
import { insightsHandlers } from './insights.js';

export const handlers: HandlerFamily = {
  ...securityGroupHandlers,
  ...networkHandlers,
  ...interfaceHandlers,
  ...insightsHandlers,
};
