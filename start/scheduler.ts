/*
|--------------------------------------------------------------------------
| Schedules
|--------------------------------------------------------------------------
|
| Recurring jobs, all in one place. Stored by the queue under a fixed id
| (so every web process declaring them keeps one schedule each) and run by
| whichever worker picks them up.
|
*/
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'

if (!app.inTest) {
  app.ready(async () => {
    try {
      const { default: ValidateAccountHealth } = await import('#jobs/validate_account_health')
      const { default: PruneExpiredTokens } = await import('#jobs/prune_expired_tokens')
      await ValidateAccountHealth.schedule({}).id('validate-account-health').every('6h')
      await PruneExpiredTokens.schedule({}).id('prune-expired-tokens').cron('17 3 * * *')
      const { default: DetectAnomalies } = await import('#jobs/detect_anomalies')
      await DetectAnomalies.schedule({}).id('detect-anomalies').every('10m')
      const { default: ProcessPurchaseRequests } = await import('#jobs/process_purchase_requests')
      await ProcessPurchaseRequests.schedule({ sweep: true }).id('purchases-sweep').every('1m')
      const { default: ReconcileOrders } = await import('#jobs/reconcile_orders')
      await ReconcileOrders.schedule({}).id('reconcile-orders').every('1m')
      const { default: DiscoverFollowedEvents } = await import('#jobs/discover_followed_events')
      await DiscoverFollowedEvents.schedule({}).id('discover-followed-events').every('1h')
      const { default: SendNotificationDigests } = await import('#jobs/send_notification_digests')
      const { default: EscalateNotifications } = await import('#jobs/escalate_notifications')
      const { default: SweepNotifications } = await import('#jobs/sweep_notifications')
      await SendNotificationDigests.schedule({}).id('notification-digests').every('1m')
      await EscalateNotifications.schedule({}).id('notification-escalations').every('1m')
      await SweepNotifications.schedule({}).id('notification-sweep').every('1m')
    } catch (error) {
      logger.error({ err: error }, 'could not register schedules')
    }
  })
}
