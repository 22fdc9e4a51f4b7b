/**
 * HDTickets' own processes as children of a test, started from the build as
 * the README's Deployment section runs them: bench/processes.ts (shared with
 * the scaled benchmark), run from this clone with every child's output kept
 * in tmp/process-logs/<name>-<pid>.log for a failure's post-mortem.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import app from '@adonisjs/core/services/app'
import {
  Child as SharedChild,
  ROLE_ARGS,
  freePortInRange,
  scaledEnv,
  sleep,
  startSandbox as startSandboxProcess,
} from '#bench/processes'

export { ROLE_ARGS, freePortInRange, scaledEnv, sleep }

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

const here = () => ({ cwd: app.makePath(), logDir: app.makePath('tmp/process-logs') })

export class Child extends SharedChild {
  constructor(name: string, args: readonly string[], childEnv: NodeJS.ProcessEnv) {
    super(name, args, childEnv, here())
  }
}

/** The sandbox exchange in its own process (`sandbox:serve`), from this clone's build. */
export function startSandbox(
  options: Omit<Parameters<typeof startSandboxProcess>[0], 'cwd' | 'logDir'>
) {
  return startSandboxProcess({ ...options, ...here() })
}
