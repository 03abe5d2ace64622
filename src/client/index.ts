/** The isomorphic projection client: runs in browsers and in Node (pass `ws` as the WebSocket class there). */
export * from './applyPatch';
export * from './backoff';
export * from './client';
export * from './closeCodes';
export * from './protocol';
export * from './types';
