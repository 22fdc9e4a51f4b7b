/**
 * The part of better-sqlite3's API HDTickets calls itself (Lucid and knex
 * drive the rest); the package ships no type declarations.
 */
declare module 'better-sqlite3' {
  interface RunResult {
    changes: number
    lastInsertRowid: number | bigint
  }

  interface Statement {
    readonly reader: boolean
    all(...params: unknown[]): any[]
    get(...params: unknown[]): any
    run(...params: unknown[]): RunResult
  }

  interface Options {
    readonly?: boolean
    fileMustExist?: boolean
    timeout?: number
  }

  class Database {
    constructor(filename: string, options?: Options)
    prepare(sql: string): Statement
    exec(sql: string): this
    pragma(source: string, options?: { simple?: boolean }): unknown
    close(): this
  }

  export default Database
}
