/**
 * The real stack for end-to-end tests and `npm run stack` (e2e/README.md): start it, read the backends, stop it.
 */
export { type ComponentName, type RunningStack, type StackOptions, startStack } from './stack';
