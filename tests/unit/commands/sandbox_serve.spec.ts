/**
 * `node ace sandbox:serve`, run as an operator runs it: bad input is a
 * clear error and a failed exit, not a process left waiting.
 */
import { test } from '@japa/runner'
import { spawnSync } from 'node:child_process'
import app from '@adonisjs/core/services/app'

function ace(args: string[]) {
  const result = spawnSync(process.execPath, ['ace', 'sandbox:serve', ...args], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 90_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

test.group('sandbox:serve', () => {
  test('a request log that cannot be written: named, exit 1', ({ assert }) => {
    const missing = app.makePath('tmp', 'no-such-folder', 'requests.log')
    const { status, output } = ace([
      '--port=0',
      '--events=2',
      '--listings=2',
      `--request-log=${missing}`,
    ])
    assert.equal(status, 1, output)
    assert.include(output, `sandbox request log ${missing}`)
  }).timeout(90_000)

  test('a negative size: named, exit 1', ({ assert }) => {
    const { status, output } = ace(['--port=0', '--events=-1'])
    assert.equal(status, 1, output)
    assert.include(output, '--events must be a whole number')
  }).timeout(90_000)
})
