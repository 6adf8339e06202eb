/**
 * Public entry point of the controller contract, shared by the controller (Node) and the app (browser).
 */
export * from './admin';
export * from './ownership';
export * from './sampling';
export * from './alertmanager';
export * from './history';

/** Paths of the admin API relative to the controller's base URL (the app prefixes its plugin-proxy route). */
export const ADMIN_API_PREFIX = '/api/v1';
