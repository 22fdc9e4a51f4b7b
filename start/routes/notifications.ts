import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const NotificationsController = () => import('#controllers/notifications_controller')
const ApiNotificationsController = () => import('#controllers/api/v1/notifications_controller')

/** Viewers are read-only: channels and preferences are changed from the member role up. */
const member = () => middleware.role({ atLeast: 'member' })

/** Web: the notification centre and Settings → Notifications. */
router
  .group(() => {
    router.get('/notifications', [NotificationsController, 'index']).as('notifications.index')
    router
      .get('/notifications/unread', [NotificationsController, 'unread'])
      .as('notifications.unread')
    router
      .post('/notifications/read-all', [NotificationsController, 'markAllRead'])
      .as('notifications.read_all')
    router
      .post('/notifications/:id/read', [NotificationsController, 'markRead'])
      .as('notifications.read')
      .where('id', router.matchers.number())
    router
      .post('/notifications/:id/snooze', [NotificationsController, 'snooze'])
      .as('notifications.snooze')
      .where('id', router.matchers.number())
    router
      .get('/settings/notifications', [NotificationsController, 'settings'])
      .as('settings.notifications')
    router
      .post('/settings/notifications/channels', [NotificationsController, 'addChannel'])
      .as('settings.notifications.channels.store')
      .use(member())
    router
      .delete('/settings/notifications/channels/:id', [NotificationsController, 'removeChannel'])
      .as('settings.notifications.channels.destroy')
      .use(member())
    router
      .post('/settings/notifications/channels/:id/enable', [
        NotificationsController,
        'enableChannel',
      ])
      .as('settings.notifications.channels.enable')
      .use(member())
    router
      .post('/settings/notifications/channels/:id/test', [NotificationsController, 'testChannel'])
      .as('settings.notifications.channels.test')
      .use(member())
    router
      .put('/settings/notifications/preferences', [NotificationsController, 'updatePreferences'])
      .as('settings.notifications.preferences')
      .use(member())
  })
  .use(middleware.auth())

/** /api/v1/notifications: same bearer tokens, abilities and error envelope as the rest of /api/v1. */
router
  .group(() => {
    router
      .get('/notifications', [ApiNotificationsController, 'index'])
      .use(middleware.apiAuth({ abilities: ['read'] }))
    router
      .post('/notifications/read-all', [ApiNotificationsController, 'markAllRead'])
      .use(middleware.apiAuth({ abilities: ['write'] }))
    router
      .get('/notifications/channels', [ApiNotificationsController, 'channels'])
      .use(middleware.apiAuth({ abilities: ['read'] }))
    router
      .post('/notifications/channels', [ApiNotificationsController, 'addChannel'])
      .use([middleware.apiAuth({ abilities: ['write'] }), member()])
    router
      .delete('/notifications/channels/:id', [ApiNotificationsController, 'removeChannel'])
      .use([middleware.apiAuth({ abilities: ['write'] }), member()])
    router
      .post('/notifications/channels/:id/test', [ApiNotificationsController, 'testChannel'])
      .use([middleware.apiAuth({ abilities: ['write'] }), member()])
    router
      .get('/notifications/preferences', [ApiNotificationsController, 'preferences'])
      .use(middleware.apiAuth({ abilities: ['read'] }))
    router
      .put('/notifications/preferences', [ApiNotificationsController, 'updatePreferences'])
      .use([middleware.apiAuth({ abilities: ['write'] }), member()])
    router
      .post('/notifications/:id/read', [ApiNotificationsController, 'markRead'])
      .use(middleware.apiAuth({ abilities: ['write'] }))
      .where('id', router.matchers.number())
    router
      .post('/notifications/:id/snooze', [ApiNotificationsController, 'snooze'])
      .use(middleware.apiAuth({ abilities: ['write'] }))
      .where('id', router.matchers.number())
  })
  .prefix('/api/v1')
  .as('api.v1.notifications')
