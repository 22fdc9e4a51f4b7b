/**
 * The compiled web server in N processes sharing one port (node:cluster: the
 * primary accepts and hands connections to the workers in turn), for the
 * dashboard benchmark's multi-process figures. In production the README's
 * setup is N `node build/bin/server.js` behind a reverse proxy; this is the
 * same processes without the proxy's hop.
 *
 *   WEB_PROCESSES=2 node bench/cluster_server.js   (PORT, HOST, … as for build/bin/server.js)
 */
import cluster from 'node:cluster'

const processes = Math.max(1, Number(process.env.WEB_PROCESSES ?? 2))
if (cluster.isPrimary) {
  for (let i = 0; i < processes; i++) cluster.fork()
  let stopping = false
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      console.error(`web process ${worker.process.pid} exited (${code}); stopping`)
      process.exit(1)
    }
  })
  const stop = () => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
    setTimeout(() => process.exit(0), 5000).unref()
    cluster.on('exit', () => {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(0)
    })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} else {
  await import('../build/bin/server.js')
}
