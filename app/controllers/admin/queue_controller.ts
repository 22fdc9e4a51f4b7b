import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import QueueMonitor from '#services/queue_monitor'
import { recordAudit } from '#services/audit_log'

const retryValidator = vine.create({
  queue: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/),
  id: vine.string().trim().maxLength(255).optional(),
})

/** Admin queue monitor: jobs by queue and state, failed jobs and why, retry. */
export default class AdminQueueController {
  async index({ inertia }: HttpContext) {
    return inertia.render('admin/queue', await new QueueMonitor().overview())
  }

  /** Retries one failed job (id given) or every failed job of the queue. */
  async retry({ request, auth, response, session }: HttpContext) {
    const { queue, id } = await request.validateUsing(retryValidator)
    const monitor = new QueueMonitor()
    let retried = 1
    if (id) await monitor.retry(queue, id)
    else retried = await monitor.retryAll(queue)
    await recordAudit({
      actorId: auth.getUserOrFail().id,
      action: 'queue.retry',
      subjectType: 'queue_job',
      subjectId: id ?? queue,
      reason: id ? null : `${retried} failed jobs of ${queue}`,
      ip: request.ip(),
    })
    session.flash(
      'success',
      id ? 'Job queued again.' : `${retried} failed job${retried === 1 ? '' : 's'} queued again.`
    )
    return response.redirect('/admin/queue')
  }
}
