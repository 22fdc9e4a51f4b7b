/**
 * HDTickets' own processes as children of a test, started from the build as
 * the README's Deployment section runs them (`node build/bin/server.js`,
 * `node build/ace.js …`): their output kept for assertions and for the
 * failure message, SIGTERM timed, SIGKILL at will.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import app from '@adonisjs/core/services/app'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Builds when a source is newer than build/ (bin/build.js, the same check
 * `npm start` makes), so the children run what the sources say.
 */
export function ensureBuilt() {
  const result = spawnSync(process.execPath, ['bin/build.js'], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  if (result.status !== 0 || !existsSync(app.makePath('build/bin/server.js'))) {
    throw new Error(`the build failed:\n${result.stdout}\n${result.stderr}`.slice(-4000))
  }
}

/**
 * A free TCP port on 127.0.0.1 within TEST_PORT_RANGE (`41000-41999`:
 * runs on one machine keep to their own range), else any the system picks.
 */
export async function freePortInRange(): Promise<number> {
  const range = process.env.TEST_PORT_RANGE?.match(/^(\d+)-(\d+)$/)
  const listens = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(null))
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as { port: number }
        server.close(() => resolve(bound))
      })
    })
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])]
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = low + Math.floor(Math.random() * (high - low + 1))
      if (await listens(port)) return port
    }
  }
  return (await listens(0))!
}

export class Child {
  output = ''
  readonly process: ChildProcess
  readonly exited: Promise<{ code: number | null; signal: string | null; at: number }>

  constructor(
    readonly name: string,
    args: string[],
    childEnv: NodeJS.ProcessEnv
  ) {
    this.process = spawn(process.execPath, args, {
      cwd: app.makePath(),
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    /** The whole output also goes to tmp/process-logs/<name>-<pid>.log, for a failure's post-mortem. */
    const dir = app.makePath('tmp/process-logs')
    mkdirSync(dir, { recursive: true })
    const file = createWriteStream(`${dir}/${name}-${this.process.pid}.log`)
    this.process.once('exit', () => file.end())
    const keep = (chunk: Buffer) => {
      file.write(chunk)
      this.output += chunk
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000)
    }
    this.process.stdout!.on('data', keep)
    this.process.stderr!.on('data', keep)
    this.exited = new Promise((resolve) =>
      this.process.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))
    )
  }

  get pid() {
    return this.process.pid!
  }

  get alive() {
    return this.process.exitCode === null && this.process.signalCode === null
  }

  tail(chars = 3000) {
    return `── ${this.name} (pid ${this.process.pid}, last output) ──\n${this.output.slice(-chars)}`
  }

  async waitForOutput(text: string | RegExp, ms: number, from = 0) {
    const deadline = Date.now() + ms
    const found = () =>
      typeof text === 'string'
        ? this.output.indexOf(text, from) !== -1
        : text.test(this.output.slice(from))
    while (!found()) {
      if (!this.alive) throw new Error(`${this.name} exited before "${text}"\n${this.tail()}`)
      if (Date.now() > deadline) throw new Error(`${this.name}: no "${text}"\n${this.tail()}`)
      await sleep(100)
    }
  }

  /** SIGTERM, then the milliseconds until the process was gone (null: still alive after `ms`). */
  async terminate(ms = 30_000) {
    if (!this.alive) return { ms: 0, code: this.process.exitCode }
    const sent = Date.now()
    this.process.kill('SIGTERM')
    const result = await Promise.race([this.exited, sleep(ms).then(() => null)])
    if (!result) return { ms: null, code: null }
    return { ms: result.at - sent, code: result.code }
  }

  async kill() {
    if (!this.alive) return
    this.process.kill('SIGKILL')
    await this.exited
  }
}
