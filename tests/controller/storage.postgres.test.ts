/**
 * The storage contract against PostgreSQL (a fresh database per test). Skipped without TEST_DATABASE_URL unless
 * REQUIRE_POSTGRES=1, in which case a missing or unreachable server fails here.
 */
import { Client } from 'pg';
import { openStorage, type Storage } from '../../src/controller/storage';
import { describePostgres, freshPostgresDatabase } from './support/postgres';
import { storageContract } from './support/storageContract';

describePostgres('PostgreSQL storage', () => {
  storageContract(async () => {
    const db = await freshPostgresDatabase();
    let storage: Storage = await openStorage({ kind: 'postgres', url: db.url });
    return {
      storage,
      async rawExec(sql) {
        const c = new Client({ connectionString: db.url });
        await c.connect();
        try {
          await c.query(sql);
        } finally {
          await c.end();
        }
      },
      async reopen() {
        await storage.close();
        storage = await openStorage({ kind: 'postgres', url: db.url });
        return storage;
      },
      async cleanup() {
        await storage.close();
        await db.drop();
      },
    };
  });

  it('migrates once when several replicas start at the same time', async () => {
    const db = await freshPostgresDatabase();
    try {
      const replicas = await Promise.all([1, 2, 3].map(() => openStorage({ kind: 'postgres', url: db.url })));
      await Promise.all(replicas.map((r) => r.close()));
    } finally {
      await db.drop();
    }
  });
});
