/*
 * The alert → webhook fan-out step of `npm run bench`: starts the webhook
 * receiver in its own process (bench/webhook_receiver.js, not counted), runs
 * `bench:notifications` from the build (build/bench/ace.js) against it
 * (10,000 alerts in a burst for webhook_deliveries_per_s, then a paced run
 * for alert_to_webhook_p50/p99_ms) and returns the figures it measured
 * (nothing when the step failed).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

export async function runNotificationsBench({
  root,
  env,
  say,
  json,
  alerts = 10_000,
  paced = 2_000,
}) {
  const receiver = spawn('node', [`${root}bench/webhook_receiver.js`], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const port = await new Promise((resolve, reject) => {
      let output = ''
      receiver.stdout.on('data', (chunk) => {
        output += chunk
        const match = output.match(/listening (\d+)/)
        if (match) resolve(match[1])
      })
      receiver.on('exit', (code) => reject(new Error(`the webhook receiver exited (${code})`)))
    })
    const out = `${root}tmp/bench-notifications.json`
    rmSync(out, { force: true })
    say(
      `› alert → webhook fan-out: ${alerts} alerts in a burst, ${paced} paced (receiver in its own process)`
    )
    const child = spawn(
      process.execPath,
      [
        'build/bench/ace.js',
        'bench:notifications',
        `--receiver-url=http://127.0.0.1:${port}`,
        `--alerts=${alerts}`,
        `--paced=${paced}`,
        `--out=${out}`,
      ],
      { cwd: root, env, stdio: ['ignore', json ? 'ignore' : 'inherit', 'inherit'] }
    )
    const code = await new Promise((resolve) => child.on('exit', resolve))
    if (code !== 0 || !existsSync(out)) {
      say(`  bench:notifications failed (${code}): its figures are absent`)
      return {}
    }
    return JSON.parse(readFileSync(out, 'utf8'))
  } finally {
    receiver.kill('SIGTERM')
  }
}
