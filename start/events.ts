/*
|--------------------------------------------------------------------------
| Event listeners
|--------------------------------------------------------------------------
|
| Domain events fan out here. Requests stay short: listeners queue work.
| Dependencies go one way: services emit events (their payload types and the
| EventsList entries sit beside them: purchasing/purchase_events.ts,
| notifications/notification_events.ts, alerts/watch_rule_events.ts),
| listeners (app/listeners/) queue jobs, jobs call services. Listeners are
| imported on the first event, not at boot.
|
| On shutdown the notifications a finished purchase started are queued (or
| written) before the queue, Redis and the database close: terminating hooks
| run before the providers shut down.
|
*/
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'

const QueuePurchaseOrder = () => import('#listeners/queue_purchase_order')
const QueuePurchaseNotification = () => import('#listeners/queue_purchase_notification')
const QueueNotificationDeliveries = () => import('#listeners/queue_notification_deliveries')
const TellChannelOwner = () => import('#listeners/tell_channel_owner')
const QueueFollowDiscovery = () => import('#listeners/queue_follow_discovery')

emitter.on('purchase:approved', [QueuePurchaseOrder])
emitter.on('purchase:succeeded', [QueuePurchaseNotification, 'succeeded'])
emitter.on('purchase:failed', [QueuePurchaseNotification, 'failed'])

emitter.on('notification:due', [QueueNotificationDeliveries, 'due'])
emitter.on('notification:held', [QueueNotificationDeliveries, 'held'])
emitter.on('notification_channel:disabled', [TellChannelOwner, 'disabled'])
emitter.on('notification_channel:removed', [TellChannelOwner, 'removed'])

emitter.on('watch_rule:following', [QueueFollowDiscovery])

app.terminating(async () => {
  const { settlePurchaseNotifications } = await import('#listeners/queue_purchase_notification')
  await settlePurchaseNotifications()
})
