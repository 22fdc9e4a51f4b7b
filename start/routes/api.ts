import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const MeController = () => import('#controllers/api/v1/me_controller')
const TokensController = () => import('#controllers/api/v1/tokens_controller')
const UsersController = () => import('#controllers/api/v1/users_controller')
const WatchRulesController = () => import('#controllers/api/v1/watch_rules_controller')
const AlertsController = () => import('#controllers/api/v1/alerts_controller')
const AnalyticsController = () => import('#controllers/api/v1/analytics_controller')
const PurchasesController = () => import('#controllers/api/v1/purchases_controller')
const TicketsController = () => import('#controllers/api/v1/tickets_controller')
const PlatformsController = () => import('#controllers/api/v1/platforms_controller')
const ScrapersController = () => import('#controllers/api/v1/scrapers_controller')
const AccountsController = () => import('#controllers/api/v1/accounts_controller')
const BulkController = () => import('#controllers/api/v1/bulk_controller')
const OpenApiController = () => import('#controllers/api/v1/openapi_controller')
const MetricsController = () => import('#controllers/api/metrics_controller')

const read = () => middleware.apiAuth({ abilities: ['read'] })
const write = () => middleware.apiAuth({ abilities: ['write'] })
const purchase = () => middleware.apiAuth({ abilities: ['purchase'] })
const admin = () => middleware.apiAuth({ abilities: ['admin'] })

/**
 * /api/v1: bearer access tokens with abilities (read, write, purchase,
 * admin), a rate limit per token. Errors: `{ errors: [{ code, message, field? }] }`.
 * Every route here is documented in app/api/openapi/ (the contract test
 * fails otherwise).
 */
router
  .group(() => {
    router.get('/openapi.json', [OpenApiController, 'document'])

    router.get('/me', [MeController, 'show']).use(read())
    router.patch('/me', [MeController, 'update']).use(write())
    router.get('/tokens', [TokensController, 'index']).use(read())
    router.post('/tokens', [TokensController, 'store']).use(write())
    router.delete('/tokens/:id', [TokensController, 'destroy']).use(write())

    router.get('/users', [UsersController, 'index']).use(admin())
    router.get('/users/:id', [UsersController, 'show']).use(admin())
    router.put('/users/:id/role', [UsersController, 'updateRole']).use(admin())

    router.get('/accounts', [AccountsController, 'index']).use(read())
    router.post('/accounts', [AccountsController, 'store']).use(write())
    router.get('/accounts/:id', [AccountsController, 'show']).use(read())
    router.put('/accounts/:id/credentials', [AccountsController, 'updateCredentials']).use(write())
    router.delete('/accounts/:id', [AccountsController, 'destroy']).use(write())

    router.get('/platforms', [PlatformsController, 'index']).use(read())
    router.get('/platforms/:id', [PlatformsController, 'show']).use(read())

    router.get('/tickets', [TicketsController, 'index']).use(read())
    router.get('/tickets/:id', [TicketsController, 'show']).use(read())
    router.get('/tickets/:id/listings', [TicketsController, 'listings']).use(read())
    router.get('/tickets/:id/price-history', [TicketsController, 'priceHistory']).use(read())

    router.get('/scrapers', [ScrapersController, 'index']).use(read())
    router.get('/scrapers/schedule', [ScrapersController, 'schedule']).use(read())
    router.get('/scrapers/:id', [ScrapersController, 'show']).use(read())
    router.post('/scrapers/:id/pause', [ScrapersController, 'pause']).use(write())
    router.post('/scrapers/:id/resume', [ScrapersController, 'resume']).use(write())
    router.post('/scrapers/:id/check', [ScrapersController, 'check']).use(write())

    router.get('/watch-rules', [WatchRulesController, 'index']).use(read())
    router.post('/watch-rules', [WatchRulesController, 'store']).use(write())
    router.post('/watch-rules/preview', [WatchRulesController, 'preview']).use(read())
    router.get('/watch-rules/:id', [WatchRulesController, 'show']).use(read())
    router.put('/watch-rules/:id', [WatchRulesController, 'update']).use(write())
    router.delete('/watch-rules/:id', [WatchRulesController, 'destroy']).use(write())

    router.get('/purchases', [PurchasesController, 'index']).use(read())
    router.get('/purchases/:id', [PurchasesController, 'show']).use(read())
    router.post('/purchases', [PurchasesController, 'store']).use(purchase())
    router.post('/purchases/:id/approve', [PurchasesController, 'approve']).use(purchase())
    router.post('/purchases/:id/reject', [PurchasesController, 'reject']).use(purchase())
    router.post('/purchases/:id/cancel', [PurchasesController, 'cancel']).use(purchase())

    router.get('/alerts', [AlertsController, 'index']).use(read())
    router.post('/alerts/:id/acknowledge', [AlertsController, 'acknowledge']).use(write())
    router.post('/alerts/:id/snooze', [AlertsController, 'snooze']).use(write())

    router.get('/analytics', [AnalyticsController, 'overview']).use(read())
    router.get('/analytics/events/:id', [AnalyticsController, 'event']).use(read())

    router.get('/export/:kind', [BulkController, 'export']).use(read())
    router.post('/import/:kind', [BulkController, 'import']).use(write())
  })
  .prefix('/api/v1')
  .as('api.v1')

router.get('/api/docs', [OpenApiController, 'docs']).as('api.docs').use(middleware.silentAuth())

/** Prometheus scrape endpoint: METRICS_TOKEN as a bearer, or an access token with the admin ability. */
router.get('/metrics', [MetricsController, 'show']).as('metrics')
