import { test } from '@japa/runner'
import { spawnSync } from 'node:child_process'
import app from '@adonisjs/core/services/app'

/** Starts the HTTP server entry point with the given environment and returns what it printed. */
function boot(overrides: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', ...overrides },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

test.group('Environment validation', () => {
  test('a malformed variable stops start-up, naming it', ({ assert }) => {
    const result = boot({ PORT: 'not-a-port' })
    assert.notEqual(result.status, 0)
    assert.include(result.output, 'PORT')
  }).timeout(60_000)

  test('an unknown database connection is refused, naming the variable', ({ assert }) => {
    const result = boot({ DB_CONNECTION: 'oracle' })
    assert.notEqual(result.status, 0)
    assert.include(result.output, 'DB_CONNECTION')
  }).timeout(60_000)

  test('a REDIS_PREFIX that is no plain name is refused, naming it', ({ assert }) => {
    const result = boot({ REDIS_PREFIX: 'two words' })
    assert.notEqual(result.status, 0)
    assert.include(result.output, 'REDIS_PREFIX')
  }).timeout(60_000)

  test('mysql without its host is refused, naming DB_HOST', ({ assert }) => {
    const result = boot({ DB_CONNECTION: 'mysql', DB_HOST: '' })
    assert.notEqual(result.status, 0)
    assert.include(result.output, 'DB_HOST')
  }).timeout(60_000)

  test('SESSION_DRIVER=cookie is refused: sessions live on the server', ({ assert }) => {
    const result = boot({ SESSION_DRIVER: 'cookie' })
    assert.notEqual(result.status, 0)
    assert.include(result.output, 'SESSION_DRIVER')
    assert.include(result.output, 'set SESSION_DRIVER=database')
  }).timeout(60_000)

  test('a session idle timeout below a minute is refused, naming the variable', ({ assert }) => {
    const result = boot({ SESSION_IDLE_TIMEOUT: '10s' })
    assert.notEqual(result.status, 0)
    assert.include(result.output, 'SESSION_IDLE_TIMEOUT')
  }).timeout(60_000)
})
