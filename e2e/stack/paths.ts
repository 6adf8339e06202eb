/** Where the stack finds the repository's files, wherever it is run from. */
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
