import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import QueueMonitor from '#services/queue_monitor'

/** /admin: where to look first — queue, sources and audit at a glance. */
export default class AdminOverviewController {
  async index({ inertia }: HttpContext) {
    const queue = await new QueueMonitor().overview(0)
    const sum = (key: 'waiting' | 'active' | 'failed') =>
      queue.queues.reduce(
        (total, row) => total + row[key] + (key === 'waiting' ? row.delayed : 0),
        0
      )
    const states = await db
      .from('event_sources')
      .select('state')
      .count('* as total')
      .groupBy('state')
    const count = (state: string) => Number(states.find((row) => row.state === state)?.total ?? 0)
    const audit = await db.from('audit_logs').count('* as total').first()
    return inertia.render('admin/index', {
      queue: {
        driver: queue.driver,
        waiting: sum('waiting'),
        active: sum('active'),
        failed: sum('failed'),
      },
      sources: { active: count('active'), paused: count('paused'), blocked: count('blocked') },
      audit: Number(audit?.total ?? 0),
    })
  }
}
