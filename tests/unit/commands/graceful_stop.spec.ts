/**
 * The embedded process (web, worker, dispatcher and sandbox in one) stops
 * on SIGTERM: the terminating hooks run and the process exits by itself,
 * as a process manager expects.
 */
import { test } from '@japa/runner'
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { rmSync } from 'node:fs'
import app from '@adonisjs/core/services/app'

const prefix = process.env.TEST_SQLITE_PREFIX ?? ''

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

test.group('graceful stop', () => {
  test('the embedded process exits on SIGTERM once its hooks have run', async ({
    assert,
    cleanup,
  }) => {
    const file = `tmp/${prefix}graceful.sqlite3`
    rmSync(app.makePath(file), { force: true })
    cleanup(() => rmSync(app.makePath(file), { force: true }))
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: file,
      QUEUE_DRIVER: 'database',
      LOCK_STORE: 'memory',
      LIMITER_STORE: 'memory',
      TRANSMIT_TRANSPORT: 'memory',
    }
    const migrated = spawnSync(process.execPath, ['ace', 'migration:run', '--force'], {
      cwd: app.makePath(),
      env,
      encoding: 'utf8',
      timeout: 90_000,
    })
    assert.equal(migrated.status, 0, migrated.stderr)

    const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
      cwd: app.makePath(),
      env: {
        ...env,
        NODE_ENV: 'development',
        EMBEDDED: 'true',
        PORT: String(await freePort()),
        SANDBOX_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    cleanup(() => void child.kill('SIGKILL'))
    let output = ''
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the embedded worker did not start:\n${output}`)),
        60_000
      )
      const read = (chunk: Buffer) => {
        output += chunk
        if (output.includes('embedded queue worker started')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout.on('data', read)
      child.stderr.on('data', read)
    })
    await started
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code))
    )
    child.kill('SIGTERM')
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000)),
    ])
    assert.equal(code, 0, `exit after SIGTERM (output:\n${output.slice(-2000)})`)
  }).timeout(120_000)
})
