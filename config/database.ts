import env from '#start/env'
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { defineConfig } from '@adonisjs/lucid'

/**
 * Three connections, chosen by DB_CONNECTION: `sqlite` (default, a file
 * under storage/), `mysql` (MySQL 8 / MariaDB 10.11+) and `pg`
 * (PostgreSQL 15+). The last two take read replicas from DB_READ_HOSTS:
 * reads go to a replica, writes and transactions to DB_HOST.
 */
const connectionName = env.get('DB_CONNECTION', 'sqlite')

const migrations = { naturalSort: true, paths: ['database/migrations'] }
/** Models are written by hand; no generated schema classes. */
const schemaGeneration = { enabled: false }
const seeders = { paths: ['database/seeders'] }

function server(defaultPort: number) {
  return {
    host: env.get('DB_HOST', '127.0.0.1'),
    port: env.get('DB_PORT', defaultPort),
    user: env.get('DB_USER', 'root'),
    password: env.get('DB_PASSWORD')?.release() ?? '',
    database: env.get('DB_DATABASE', 'hdtickets'),
  }
}

function withReplicas<T extends { host: string }>(primary: T) {
  const readHosts = (env.get('DB_READ_HOSTS') ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean)
  if (readHosts.length === 0) return { connection: primary }
  return {
    connection: primary,
    replicas: {
      write: { connection: primary },
      read: { connection: readHosts.map((host) => ({ ...primary, host })) },
    },
  }
}

/**
 * Relative to the directory HDTickets runs in (the clone: `npm start`, the
 * Procfile and the systemd units all run there), never to build/, which a
 * rebuild replaces.
 */
const sqlitePath = resolve(env.get('SQLITE_PATH', 'storage/hdtickets.sqlite3'))
if (connectionName === 'sqlite') {
  mkdirSync(dirname(sqlitePath), { recursive: true })
  /**
   * The database holds every account's secrets (encrypted) and the users'
   * password hashes: only the owner reads it, like `.env`. SQLite gives its
   * -wal and -shm files the database file's mode.
   */
  closeSync(openSync(sqlitePath, 'a', 0o600))
  if ((statSync(sqlitePath).mode & 0o077) !== 0) chmodSync(sqlitePath, 0o600)
}

/**
 * better-sqlite3 compiles every statement knex hands it (7.7 % of the check
 * path's CPU in the profile of #14). Most of that SQL repeats word for word
 * with other bindings, so the connection keeps the compiled statements of
 * the last texts it ran and runs them again. Safe here: knex runs each one
 * to completion (all() or run()) before the next, and SQLite recompiles a
 * statement itself when a migration changes the schema under it. Long texts
 * (multi-row inserts, whose row count varies) are not kept.
 */
const STATEMENT_CACHE_SIZE = 256
const STATEMENT_CACHE_MAX_SQL = 4096
function cacheStatements(conn: any) {
  const prepare = conn.prepare.bind(conn)
  const statements = new Map<string, unknown>()
  conn.prepare = (sql: string) => {
    if (sql.length > STATEMENT_CACHE_MAX_SQL) return prepare(sql)
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = prepare(sql)
      if (statements.size >= STATEMENT_CACHE_SIZE)
        statements.delete(statements.keys().next().value!)
      statements.set(sql, statement)
    }
    return statement
  }
}

const dbConfig = defineConfig({
  connection: connectionName,
  prettyPrintDebugQueries: false,
  connections: {
    sqlite: {
      /**
       * better-sqlite3: a statement runs on the calling thread, where the
       * node-sqlite3 driver queued each one on libuv's thread pool and woke
       * the event loop for its answer (#14: the check path sat idle 39 % of
       * the time on those hops, a dozen per changed market).
       */
      client: 'better-sqlite3',
      connection: { filename: sqlitePath },
      useNullAsDefault: true,
      pool: {
        /**
         * One connection: SQLite serialises writers anyway, and a single
         * connection keeps transactions from waiting on each other's locks.
         */
        min: 1,
        max: 1,
        afterCreate: (conn: any, done: (error: Error | null, conn: any) => void) => {
          try {
            conn.pragma('journal_mode = WAL')
            conn.pragma('synchronous = NORMAL')
            conn.pragma('foreign_keys = ON')
            conn.pragma('busy_timeout = 5000')
            cacheStatements(conn)
            done(null, conn)
          } catch (error) {
            done(error as Error, conn)
          }
        },
      },
      migrations,
      seeders,
      schemaGeneration,
    },
    mysql: {
      client: 'mysql2',
      ...withReplicas(server(3306)),
      migrations,
      seeders,
      schemaGeneration,
    },
    pg: {
      client: 'pg',
      ...withReplicas(server(5432)),
      migrations,
      seeders,
      schemaGeneration,
    },
  },
})

export default dbConfig
