/**
 * A benchmark's own database on PostgreSQL or MySQL: created when missing,
 * never one the caller did not name. Benchmarks empty the database they
 * run on, so each has its own (`hdtickets_bench` for the embedded pipeline,
 * `hdtickets_bench_scaled` for the scaled topology) and refuses DB_DATABASE's.
 */
export interface ServerSettings {
  host: string
  port: number
  user: string
  password?: string
}

/** A name the bench may create and empty: letters, digits and _, and not DB_DATABASE's. */
export function checkBenchDatabaseName(name: string, what: string, env = process.env) {
  if (!/^[A-Za-z0-9_]{1,63}$/.test(name)) {
    return `${what} must be letters, digits and _ (got "${name}")`
  }
  if (name === env.DB_DATABASE) {
    return `${what} is DB_DATABASE ("${name}"): the bench empties its database, name another`
  }
  return null
}

/** Creates `database` when it is missing; true when it was created. */
export async function ensureDatabase(
  dialect: 'pg' | 'mysql',
  server: ServerSettings,
  database: string
): Promise<boolean> {
  const problem = checkBenchDatabaseName(database, 'the bench database', {})
  if (problem) throw new Error(problem)
  const { default: knex } = await import('knex')
  /** pg: connected to the `postgres` database, the bench's may not exist yet. */
  const client = knex({
    client: dialect === 'pg' ? 'pg' : 'mysql2',
    connection: dialect === 'pg' ? { ...server, database: 'postgres' } : server,
    pool: { min: 0, max: 1 },
  })
  try {
    const found =
      dialect === 'pg'
        ? (await client.raw('SELECT 1 FROM pg_database WHERE datname = ?', [database])).rows
        : (
            await client.raw('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
              database,
            ])
          )[0]
    if (found.length > 0) return false
    await client.raw(
      dialect === 'pg' ? `CREATE DATABASE "${database}"` : `CREATE DATABASE \`${database}\``
    )
    return true
  } finally {
    await client.destroy()
  }
}
