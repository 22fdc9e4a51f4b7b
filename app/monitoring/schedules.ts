/**
 * Recurring jobs, all in one place. The queue stores each under a fixed id
 * and whichever worker picks an occurrence up runs it. The monitoring
 * runtime (app/monitoring/runtime.ts) declares them when it becomes the
 * dispatcher and looks again every half minute: a schedule that has gone
 * missing (a cache-only Redis restarted empty) is declared again, without a
 * restart of anything. A schedule that exists is left as it is, so its next
 * run time is not pushed back by the look.
 */
import logger from '@adonisjs/core/services/logger'

type Declare = () => PromiseLike<unknown>

async function schedules(): Promise<Array<{ id: string; declare: Declare }>> {
  const { default: ValidateAccountHealth } = await import('#jobs/validate_account_health')
  const { default: PruneExpiredTokens } = await import('#jobs/prune_expired_tokens')
  const { default: DetectAnomalies } = await import('#jobs/detect_anomalies')
  const { default: ProcessPurchaseRequests } = await import('#jobs/process_purchase_requests')
  const { default: ReconcileOrders } = await import('#jobs/reconcile_orders')
  const { default: DiscoverFollowedEvents } = await import('#jobs/discover_followed_events')
  const { default: SendNotificationDigests } = await import('#jobs/send_notification_digests')
  const { default: EscalateNotifications } = await import('#jobs/escalate_notifications')
  const { default: SweepNotifications } = await import('#jobs/sweep_notifications')
  return [
    {
      id: 'validate-account-health',
      declare: () => ValidateAccountHealth.schedule({}).id('validate-account-health').every('6h'),
    },
    {
      id: 'prune-expired-tokens',
      declare: () => PruneExpiredTokens.schedule({}).id('prune-expired-tokens').cron('17 3 * * *'),
    },
    {
      id: 'detect-anomalies',
      declare: () => DetectAnomalies.schedule({}).id('detect-anomalies').every('10m'),
    },
    {
      id: 'purchases-sweep',
      declare: () =>
        ProcessPurchaseRequests.schedule({ sweep: true }).id('purchases-sweep').every('1m'),
    },
    {
      id: 'reconcile-orders',
      declare: () => ReconcileOrders.schedule({}).id('reconcile-orders').every('1m'),
    },
    {
      id: 'discover-followed-events',
      declare: () => DiscoverFollowedEvents.schedule({}).id('discover-followed-events').every('1h'),
    },
    {
      id: 'notification-digests',
      declare: () => SendNotificationDigests.schedule({}).id('notification-digests').every('1m'),
    },
    {
      id: 'notification-escalations',
      declare: () => EscalateNotifications.schedule({}).id('notification-escalations').every('1m'),
    },
    {
      id: 'notification-sweep',
      declare: () => SweepNotifications.schedule({}).id('notification-sweep').every('1m'),
    },
  ]
}

/** The ids of every recurring schedule. */
export async function scheduleIds() {
  return (await schedules()).map((schedule) => schedule.id)
}

/**
 * Declares every schedule the queue does not hold. Returns the ids declared
 * (all of them on a fresh queue, none when nothing was missing).
 */
export async function ensureSchedules(): Promise<string[]> {
  const { Schedule } = await import('@adonisjs/queue')
  const declared: string[] = []
  for (const schedule of await schedules()) {
    if (await Schedule.find(schedule.id)) continue
    await schedule.declare()
    declared.push(schedule.id)
  }
  if (declared.length) logger.info('schedules declared: %s', declared.join(', '))
  return declared
}
