/**
 * HDTickets' own processes as children, started from the build as the
 * README's Deployment section runs them (`node build/bin/server.js`,
 * `node build/ace.js queue:work …`, `monitor:run`, `sandbox:serve`), on a
 * Redis server of their own: shared by the process tests
 * (tests/helpers/processes.ts, tests/process/*) and the scaled benchmark
 * (bench/scaled.ts), so both start the topology the same way. Plain Node: no
 * application container, the caller says where the clone is (`cwd`).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { delimiter, join } from 'node:path'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The README's roles, as its Deployment table writes them (relative to the clone). */
export const ROLE_ARGS = {
  web: ['build/bin/server.js'],
  worker: [
    'build/ace.js',
    'queue:work',
    '--queue=purchases,notifications,default,checks',
    '--concurrency=5',
  ],
  monitor: ['build/ace.js', 'monitor:run'],
} as const

/**
 * The `.env` every process of the scaled mode gets (README, Deployment), on
 * top of `base`: Redis for jobs, rate limits, locks, SSE and sessions.
 * The database settings come with `base`.
 */
export function scaledEnv(
  base: NodeJS.ProcessEnv,
  options: { redisPort: number; redisHost?: string; redisDb?: number; sandboxUrl?: string }
): NodeJS.ProcessEnv {
  return {
    ...base,
    NODE_ENV: 'production',
    EMBEDDED: 'false',
    QUEUE_DRIVER: 'redis',
    LIMITER_STORE: 'redis',
    LOCK_STORE: 'redis',
    TRANSMIT_TRANSPORT: 'redis',
    SESSION_DRIVER: 'redis',
    API_RATE_LIMIT_STORE: 'redis',
    REDIS_HOST: options.redisHost ?? '127.0.0.1',
    REDIS_PORT: String(options.redisPort),
    REDIS_DB: String(options.redisDb ?? 0),
    ...(options.sandboxUrl ? { SANDBOX_URL: options.sandboxUrl } : {}),
  }
}

function listens(port: number) {
  return new Promise<number | null>((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(null))
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number }
      server.close(() => resolve(bound))
    })
  })
}

/**
 * A free TCP port on 127.0.0.1 within TEST_PORT_RANGE (`41000-41999`:
 * runs on one machine keep to their own range), else any the system picks.
 */
export async function freePortInRange(range = process.env.TEST_PORT_RANGE): Promise<number> {
  const bounds = range?.match(/^(\d+)-(\d+)$/)
  if (bounds) {
    const [low, high] = [Number(bounds[1]), Number(bounds[2])]
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = low + Math.floor(Math.random() * (high - low + 1))
      if (await listens(port)) return port
    }
  }
  return (await listens(0))!
}

export interface ChildOptions {
  /** The clone (build/ is relative to it) */
  cwd: string
  /** The whole output also goes to <logDir>/<name>-<pid>.log, for a post-mortem (unset: not kept) */
  logDir?: string
  /** Node options before the script (e.g. `--cpu-prof`) */
  nodeArgs?: string[]
}

/** One process: its output kept for assertions and failure messages, SIGTERM timed, SIGKILL at will. */
export class Child {
  output = ''
  readonly process: ChildProcess
  readonly exited: Promise<{ code: number | null; signal: string | null; at: number }>

  constructor(
    readonly name: string,
    args: readonly string[],
    childEnv: NodeJS.ProcessEnv,
    options: ChildOptions
  ) {
    this.process = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
      cwd: options.cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let file: ReturnType<typeof createWriteStream> | null = null
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true })
      file = createWriteStream(`${options.logDir}/${name}-${this.process.pid}.log`)
      this.process.once('exit', () => file!.end())
    }
    const keep = (chunk: Buffer) => {
      file?.write(chunk)
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

/**
 * The sandbox exchange in its own process (`sandbox:serve`), listening when
 * this resolves. `requestLog`: the file it appends one line per request to.
 */
export async function startSandbox(
  options: ChildOptions & {
    env: NodeJS.ProcessEnv
    port: number
    events: number
    listings: number
    pace: number
    seed?: number
    requestLog?: string
    name?: string
    readyMs?: number
  }
) {
  const child = new Child(
    options.name ?? 'sandbox',
    [
      'build/ace.js',
      'sandbox:serve',
      `--port=${options.port}`,
      `--events=${options.events}`,
      `--listings=${options.listings}`,
      `--pace=${options.pace}`,
      ...(options.seed === undefined ? [] : [`--seed=${options.seed}`]),
      ...(options.requestLog ? [`--request-log=${options.requestLog}`] : []),
    ],
    options.env,
    options
  )
  try {
    await child.waitForOutput('Sandbox exchange on', options.readyMs ?? 60_000)
  } catch (error) {
    await child.kill()
    throw error
  }
  return { child, url: `http://127.0.0.1:${options.port}` }
}

/** The redis-server binary: REDIS_SERVER_PATH, else the first on PATH. */
export function redisServerBinary(): string | null {
  if (process.env.REDIS_SERVER_PATH) return process.env.REDIS_SERVER_PATH
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server')
    if (dir && existsSync(candidate)) return candidate
  }
  return null
}

/** A free TCP port on 127.0.0.1, chosen by the system. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function accepts(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

/**
 * A Redis server of the caller's own (`redis-server` as a child process, no
 * persistence): it can be stopped and started again empty on the same
 * port, as a cache-only Redis restarts.
 */
export class RedisServer {
  #child: ChildProcess | null = null
  output = ''

  constructor(readonly port: number) {}

  static async start(port?: number) {
    const server = new RedisServer(port ?? (await freePort()))
    await server.start()
    return server
  }

  get running() {
    return this.#child !== null
  }

  /** The server's process id (CPU accounting), while it runs. */
  get pid() {
    return this.#child?.pid ?? null
  }

  async start() {
    const binary = redisServerBinary()
    if (!binary) throw new Error('redis-server is not installed (apt-get install -y redis-server)')
    const child = spawn(
      binary,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    child.stdout!.on('data', (chunk) => (this.output += chunk))
    child.stderr!.on('data', (chunk) => (this.output += chunk))
    this.#child = child
    const deadline = Date.now() + 10_000
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`redis-server did not start on ${this.port}:\n${this.output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Stops the server (SIGKILL: nothing is saved, as after a crash). */
  async stop() {
    const child = this.#child
    if (!child) return
    this.#child = null
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
}
