import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import QueueMonitor from '#services/queue_monitor'
import { availableKinds } from '#notifications/channel_service'

/** Email and SMS go out only when the administrator configured a mailer or Twilio (start/env.ts). */
const NEEDS: Record<string, string> = {
  email: 'SMTP_HOST (with SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD) or another MAIL_MAILER',
  sms: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM',
}

async function deliveryKinds() {
  const available = new Set<string>(await availableKinds())
  return Object.entries(NEEDS).map(([kind, needs]) => ({
    kind,
    available: available.has(kind),
    needs,
  }))
}

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
      /** Which delivery kinds this deployment can send, and the settings the others need. */
      delivery: await deliveryKinds(),
    })
  }
}
