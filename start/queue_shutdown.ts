/*
|--------------------------------------------------------------------------
| Worker shutdown order
|--------------------------------------------------------------------------
|
| On SIGTERM, `queue:work`'s worker stops taking jobs, but its command
| returns (and destroys the queue manager) without waiting for the jobs in
| hand: a purchase in flight was abandoned mid-order, and a finished job's
| notification failed with "QueueManager is not initialized". Here the
| queue manager's destroy first waits for the jobs in hand, then for what
| they emitted (purchase notifications being queued); only then are the
| queue, Redis and the database closed (bin/console.ts exits at the latest
| 30 s after the signal).
|
*/
import app from '@adonisjs/core/services/app'

if (app.getEnvironment() === 'console') {
  const ace = await app.container.make('ace')
  ace.executing(async (command, isMainCommand) => {
    if (!isMainCommand || command.commandName !== 'queue:work') return
    const { jobsInHandSettled } = await import('#services/job_context')
    const { settlePurchaseNotifications } = await import('#listeners/queue_purchase_notification')
    const manager = await app.container.make('queue.manager')
    const destroy = manager.destroy.bind(manager)
    manager.destroy = async () => {
      await jobsInHandSettled()
      await settlePurchaseNotifications()
      return destroy()
    }
  })
}
