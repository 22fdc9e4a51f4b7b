/**
 * Admin area: managers and admins see operations (overview, sources and
 * their schedules, the queue, the audit log); users, roles and platform
 * settings are for admins only.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const AdminOverviewController = () => import('#controllers/admin/overview_controller')
const AdminSourcesController = () => import('#controllers/admin/sources_controller')
const AdminQueueController = () => import('#controllers/admin/queue_controller')
const AdminAuditController = () => import('#controllers/admin/audit_controller')
const AdminUsersController = () => import('#controllers/admin/users_controller')
const AdminPlatformsController = () => import('#controllers/admin/platforms_controller')
const AdminZonesController = () => import('#controllers/admin/zones_controller')

router
  .group(() => {
    router
      .group(() => {
        router.get('/admin', [AdminOverviewController, 'index']).as('admin.index')
        router.get('/admin/sources', [AdminSourcesController, 'index']).as('admin.sources.index')
        router
          .post('/admin/sources/:id/pause', [AdminSourcesController, 'pause'])
          .as('admin.sources.pause')
        router
          .post('/admin/sources/:id/resume', [AdminSourcesController, 'resume'])
          .as('admin.sources.resume')
        router
          .post('/admin/sources/:id/check', [AdminSourcesController, 'checkNow'])
          .as('admin.sources.check')
        router.get('/admin/queue', [AdminQueueController, 'index']).as('admin.queue.index')
        router.post('/admin/queue/retry', [AdminQueueController, 'retry']).as('admin.queue.retry')
        router.get('/admin/audit', [AdminAuditController, 'index']).as('admin.audit.index')
      })
      .use(middleware.role({ atLeast: 'manager' }))
    router
      .group(() => {
        router.get('/admin/users', [AdminUsersController, 'index']).as('admin.users.index')
        router
          .put('/admin/users/:id/role', [AdminUsersController, 'updateRole'])
          .as('admin.users.role')
        router
          .get('/admin/platforms', [AdminPlatformsController, 'index'])
          .as('admin.platforms.index')
        router
          .put('/admin/platforms/:id', [AdminPlatformsController, 'update'])
          .as('admin.platforms.update')
        router
          .put('/admin/platforms/:id/credential', [AdminPlatformsController, 'setCredential'])
          .as('admin.platforms.credential')
        router.get('/admin/zones', [AdminZonesController, 'index']).as('admin.zones.index')
        router.put('/admin/zones', [AdminZonesController, 'update']).as('admin.zones.update')
      })
      .use(middleware.role({ atLeast: 'admin' }))
  })
  .use(middleware.auth())
