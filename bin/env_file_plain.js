import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/**
 * A fresh clone has no `.env`: write one from `.env.example` with a fresh
 * APP_KEY. An existing `.env` is never touched. (The TypeScript entry
 * points share this file through bin/env_file.ts.)
 */
export function ensureEnvFile(appRoot) {
  if (process.env.NODE_ENV === 'test') return
  const envPath = new URL('.env', appRoot)
  const examplePath = new URL('.env.example', appRoot)
  if (existsSync(envPath) || !existsSync(examplePath)) return

  const key = randomBytes(32).toString('base64url')
  const contents = readFileSync(examplePath, 'utf8').replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`)
  writeFileSync(envPath, contents, { mode: 0o600 })
  console.log('Wrote .env from .env.example with a new APP_KEY')
}

/**
 * The settings a process gets when there is no `.env` (the benchmarks on a
 * fresh clone): `.env.example`'s values and a fresh APP_KEY, in memory only.
 */
export function exampleEnv(appRoot) {
  const examplePath = new URL('.env.example', appRoot)
  const values = {}
  for (const line of readFileSync(examplePath, 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match) values[match[1]] = match[2]
  }
  values.APP_KEY = randomBytes(32).toString('base64url')
  return values
}
