/**
 * The error catalogue (#exceptions/catalogue): one status per code, a class
 * per code, every code in the OpenAPI document, and no code in the server
 * code that the catalogue does not hold.
 */
import { test } from '@japa/runner'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import app from '@adonisjs/core/services/app'
import {
  ApiException,
  CATALOGUE,
  INTERNAL_CODES,
  apiErrors,
  isErrorCode,
  type ErrorCode,
} from '#exceptions/catalogue'
import LegacyApiException from '#exceptions/api_exception'
import { IllegalTransition } from '#purchasing/state_machine'
import { openApiDocument } from '#api/openapi/document'

const CODES = Object.keys(CATALOGUE) as ErrorCode[]

/** Where server code lives (the pages too: they must not invent codes either). */
const SOURCE_DIRS = ['app', 'start', 'commands', 'config', 'providers', 'database', 'inertia']

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|vue|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

function serverSources(): Array<{ file: string; text: string }> {
  return SOURCE_DIRS.flatMap((dir) => sourceFiles(app.makePath(dir))).map((path) => ({
    file: relative(app.makePath(), path),
    text: readFileSync(path, 'utf8'),
  }))
}

test.group('Error catalogue', () => {
  test('each code has one status, and its class throws it with the message and field given', ({
    assert,
  }) => {
    assert.isAbove(CODES.length, 30)
    for (const code of CODES) {
      const { status, meaning } = CATALOGUE[code]
      assert.match(code, /^E_[A-Z][A-Z0-9_]*$/)
      assert.isTrue(status >= 400 && status <= 599, code)
      assert.isAbove(meaning.length, 5, code)
      const ErrorClass = apiErrors[code]
      assert.equal(ErrorClass.code, code)
      assert.equal(ErrorClass.status, status)
      const error = new ErrorClass('In the user’s words', 'someField')
      assert.instanceOf(error, ApiException)
      assert.instanceOf(error, ErrorClass)
      assert.equal(error.code, code)
      assert.equal(error.status, status)
      assert.equal(error.message, 'In the user’s words')
      assert.equal(error.field, 'someField')
      assert.isUndefined(new ErrorClass('no field').field)
    }
    assert.notInstanceOf(new apiErrors.E_NOT_FOUND('x'), apiErrors.E_FORBIDDEN)
  })

  test('the old constructor still works, and takes the status from the catalogue', ({ assert }) => {
    const error = new LegacyApiException('E_VALIDATION', 'Say why', 400, 'reason')
    assert.instanceOf(error, ApiException)
    assert.equal(error.status, 422)
    assert.equal(error.field, 'reason')
    assert.equal(new LegacyApiException('E_NOT_FOUND', 'No such thing').status, 404)
  })

  test('an error that carries more facts extends its code’s class', ({ assert }) => {
    const error = new IllegalTransition('succeeded', 'approved')
    assert.instanceOf(error, apiErrors.E_ILLEGAL_TRANSITION)
    assert.equal(IllegalTransition.code, 'E_ILLEGAL_TRANSITION')
    assert.equal(error.status, 409)
    assert.equal(error.field, 'status')
    assert.equal(error.from, 'succeeded')
  })

  test('internal codes are never catalogue codes', ({ assert }) => {
    for (const code of INTERNAL_CODES) assert.isFalse(isErrorCode(code), code)
    assert.isFalse(isErrorCode('toString'))
    assert.isTrue(isErrorCode('E_NOT_FOUND'))
  })

  test('every E_ code in the server code is a catalogue code (or an internal one)', ({
    assert,
  }) => {
    const allowed = new Set<string>([...CODES, ...INTERNAL_CODES])
    const strays: string[] = []
    let seen = 0
    for (const { file, text } of serverSources()) {
      for (const match of text.matchAll(/(['"`])(E_[A-Z][A-Z0-9_]*)\1/g)) {
        seen++
        if (!allowed.has(match[2])) strays.push(`${file}: ${match[2]}`)
      }
    }
    assert.isAbove(seen, 50, 'the scan finds the codes it should')
    assert.deepEqual(strays, [], 'codes missing from app/exceptions/catalogue.ts')
  })

  test('errors are thrown as catalogue classes, never as a code string', ({ assert }) => {
    const found: Record<string, number> = {}
    for (const { file, text } of serverSources()) {
      if (file === 'app/exceptions/catalogue.ts') continue
      const count = [...text.matchAll(/new (?:ApiException|Exception)\(\s*['"`]?E_/g)].length
      if (count) found[file] = count
    }
    assert.deepEqual(found, {}, 'throw apiErrors.E_… instead of a code string')
  })

  test('the OpenAPI document lists every code with its status and meaning', ({ assert }) => {
    const doc = openApiDocument() as any
    const code = doc.components.schemas.Error.properties.code
    assert.deepEqual(code.enum, CODES)
    for (const name of CODES) {
      assert.include(
        code.description,
        `| \`${name}\` | ${CATALOGUE[name].status} | ${CATALOGUE[name].meaning} |`,
        name
      )
    }
  })
})
