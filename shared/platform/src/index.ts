export * from './bus.js';
export * from './config.js';
export * from './db.js';
export * from './ids.js';
export * from './logger.js';
export * from './metrics.js';
export * from './runtime.js';
export * from './tracing.js';
