export * from './ip.js';
export * from './cidr.js';
export * from './intervals.js';
export * from './protocol.js';
export * from './internet.js';
