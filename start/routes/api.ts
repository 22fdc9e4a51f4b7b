import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const MeController = () => import('#controllers/api/v1/me_controller')
const TokensController = () => import('#controllers/api/v1/tokens_controller')
const UsersController = () => import('#controllers/api/v1/users_controller')
const WatchRulesController = () => import('#controllers/api/v1/watch_rules_controller')
const AlertsController = () => import('#controllers/api/v1/alerts_controller')
const PurchasesController = () => import('#controllers/api/v1/purchases_controller')

/**
 * /api/v1: bearer access tokens with abilities (read, write, purchase,
 * admin). Errors: `{ errors: [{ code, message, field? }] }`.
 */
router
  .group(() => {
    router.get('/me', [MeController, 'show']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.get('/tokens', [TokensController, 'index']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.post('/tokens', [TokensController, 'store']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.delete('/tokens/:id', [TokensController, 'destroy']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.get('/users', [UsersController, 'index']).use(middleware.apiAuth({ abilities: ['admin'] }))

    router.get('/watch-rules', [WatchRulesController, 'index']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.post('/watch-rules', [WatchRulesController, 'store']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.post('/watch-rules/preview', [WatchRulesController, 'preview']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.get('/watch-rules/:id', [WatchRulesController, 'show']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.put('/watch-rules/:id', [WatchRulesController, 'update']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.delete('/watch-rules/:id', [WatchRulesController, 'destroy']).use(middleware.apiAuth({ abilities: ['write'] }))

    router.get('/purchases', [PurchasesController, 'index']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.get('/purchases/:id', [PurchasesController, 'show']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.post('/purchases', [PurchasesController, 'store']).use(middleware.apiAuth({ abilities: ['purchase'] }))
    router.post('/purchases/:id/approve', [PurchasesController, 'approve']).use(middleware.apiAuth({ abilities: ['purchase'] }))
    router.post('/purchases/:id/reject', [PurchasesController, 'reject']).use(middleware.apiAuth({ abilities: ['purchase'] }))
    router.post('/purchases/:id/cancel', [PurchasesController, 'cancel']).use(middleware.apiAuth({ abilities: ['purchase'] }))

    router.get('/alerts', [AlertsController, 'index']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.post('/alerts/:id/acknowledge', [AlertsController, 'acknowledge']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.post('/alerts/:id/snooze', [AlertsController, 'snooze']).use(middleware.apiAuth({ abilities: ['write'] }))
  })
  .prefix('/api/v1')
  .as('api.v1')
