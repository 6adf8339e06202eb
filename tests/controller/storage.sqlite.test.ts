/**
 * The storage contract against SQLite (a fresh file per test).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../src/controller/storage';
import { tempDir } from './support/harness';
import { storageContract } from './support/storageContract';

describe('SQLite storage', () => {
  storageContract(async () => {
    const path = join(tempDir(), 'nested', 'controller.db');
    let storage: Storage = await openStorage({ kind: 'sqlite', path });
    return {
      storage,
      async rawExec(sql) {
        const db = new Database(path);
        try {
          db.exec(sql);
        } catch (err) {
          // better-sqlite3's SqliteError comes from outside Jest's realm; rewrap so `rejects.toThrow` recognises it.
          throw new Error((err as Error).message);
        } finally {
          db.close();
        }
      },
      async reopen() {
        await storage.close();
        storage = await openStorage({ kind: 'sqlite', path });
        return storage;
      },
      cleanup: () => storage.close(),
    };
  });
});
