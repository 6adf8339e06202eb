/**
 * Opens the configured storage backend and brings its schema up to date.
 */
import type { Logger } from 'pino';
import type { ControllerConfig } from '../config';
import { PostgresStorage } from './postgres';
import { SqliteStorage } from './sqlite';
import type { Storage } from './storage';

export async function openStorage(config: ControllerConfig['storage'], log?: Logger): Promise<Storage> {
  const storage =
    config.kind === 'postgres'
      ? new PostgresStorage(config.url, (err) =>
          log?.warn({ err }, 'idle PostgreSQL connection failed; it will be replaced')
        )
      : new SqliteStorage(config.path);
  try {
    await storage.migrate();
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
  return storage;
}

export * from './storage';
