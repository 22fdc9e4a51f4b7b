import { test } from '@japa/runner'
import { spawnSync } from 'node:child_process'
import app from '@adonisjs/core/services/app'

function ace(...args: string[]) {
  const result = spawnSync(process.execPath, ['ace', ...args], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

test.group('events:discover and events:add: wrong input', () => {
  test('a malformed date is a clear message and a non-zero exit', ({ assert }) => {
    const result = ace('events:discover', '--platform=sandbox', '--from=2026-13-45')
    assert.equal(result.status, 1)
    assert.include(result.output, '--from must be a date')
  }).timeout(60_000)

  test('a reversed date range is refused', ({ assert }) => {
    const result = ace(
      'events:discover',
      '--platform=sandbox',
      '--from=2027-02-01',
      '--to=2027-01-01'
    )
    assert.equal(result.status, 1)
    assert.include(result.output, '--from is after --to')
  }).timeout(60_000)

  test('a reference that is neither a URL nor platform:id is refused', ({ assert }) => {
    const result = ace('events:add', 'not-a-reference')
    assert.equal(result.status, 1)
    assert.include(result.output, 'neither a URL nor <platform>:<event id>')
  }).timeout(60_000)
})
