/**
 * Public entry point of the controller contract, shared by the controller (Node) and the app (browser).
 */
export * from './admin';
export * from './ownership';
export * from './sampling';
export * from './alertmanager';
export * from './history';
