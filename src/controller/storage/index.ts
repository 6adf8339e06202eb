/**
 * Opens the configured storage backend and brings its schema up to date.
 */
import type { ControllerConfig } from '../config';
import { PostgresStorage } from './postgres';
import { SqliteStorage } from './sqlite';
import type { Storage } from './storage';

export async function openStorage(config: ControllerConfig['storage']): Promise<Storage> {
  const storage = config.kind === 'postgres' ? new PostgresStorage(config.url) : new SqliteStorage(config.path);
  try {
    await storage.migrate();
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
  return storage;
}

export * from './storage';
