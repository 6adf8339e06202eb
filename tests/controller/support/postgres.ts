/**
 * PostgreSQL for tests: `TEST_DATABASE_URL` (see scripts/postgres.sh) names a server; each suite gets its own fresh
 * database on it. With `REQUIRE_POSTGRES=1` (CI) a missing or unreachable server fails the suite; otherwise the
 * PostgreSQL suites are skipped so a laptop without PostgreSQL can still run the rest.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const postgresUrl = process.env.TEST_DATABASE_URL;
export const postgresRequired = process.env.REQUIRE_POSTGRES === '1';

/** `describe` when PostgreSQL is configured or required, `describe.skip` otherwise. */
export const describePostgres = postgresUrl || postgresRequired ? describe : describe.skip;

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(): Promise<FreshDatabase> {
  if (!postgresUrl) {
    throw new Error(
      'REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set; start one with `eval "$(scripts/postgres.sh start)"`'
    );
  }
  const name = `tracingops_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: postgresUrl });
  await admin.connect().catch((err: Error) => {
    throw new Error(`cannot reach PostgreSQL at TEST_DATABASE_URL (${postgresUrl}): ${err.message}`);
  });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The environment a controller needs for one database, and how to remove that database. */
export interface ControllerDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** The databases a suite runs its controllers on: SQLite always, PostgreSQL when configured or required. */
export const controllerDatabases: Array<[string, () => Promise<ControllerDatabase>]> = [
  ['SQLite', async () => ({ env: {}, drop: async () => undefined })],
  ...(postgresUrl || postgresRequired
    ? [
        [
          'PostgreSQL',
          async () => {
            const db = await freshPostgresDatabase();
            return { env: { DATABASE_URL: db.url }, drop: () => db.drop() };
          },
        ] as [string, () => Promise<ControllerDatabase>],
      ]
    : []),
];
