import { readFileSync } from 'node:fs'

/**
 * The recorded and invented payloads the tests replay, all inside the
 * repository (tests/fixtures/<platform>/…, origins in tests/fixtures/SOURCES.md).
 */
const FIXTURES = new URL('../fixtures/', import.meta.url)

export function fixture(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8')
}

export function fixtureJson<T = Record<string, any>>(path: string): T {
  return JSON.parse(fixture(path)) as T
}

/** A binary fixture (e.g. a gzip-compressed body), as bytes. */
export function fixtureBytes(path: string): Buffer {
  return readFileSync(new URL(path, FIXTURES))
}
