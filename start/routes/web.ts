import router from '@adonisjs/core/services/router'
import transmit from '@adonisjs/transmit/services/main'
import { middleware } from '#start/kernel'

const AuthController = () => import('#controllers/auth_controller')
const SettingsController = () => import('#controllers/settings_controller')
const PagesController = () => import('#controllers/pages_controller')
const EventsController = () => import('#controllers/events_controller')
const WatchRulesController = () => import('#controllers/watch_rules_controller')
const AlertsController = () => import('#controllers/alerts_controller')
const PurchasesController = () => import('#controllers/purchases_controller')
const AccountsController = () => import('#controllers/accounts_controller')
const HealthController = () => import('#controllers/health_controller')

router.get('/health/live', [HealthController, 'live'])
router.get('/health/ready', [HealthController, 'ready'])

router
  .group(() => {
    router.get('/signup', [AuthController, 'showSignup']).as('signup.show')
    router.post('/signup', [AuthController, 'signup']).as('signup.store')
    router.get('/login', [AuthController, 'showLogin']).as('login.show')
    router.post('/login', [AuthController, 'login']).as('login.store')
  })
  .use(middleware.guest())

router
  .group(() => {
    router.post('/logout', [AuthController, 'logout']).as('logout')

    router.get('/', [PagesController, 'dashboard']).as('dashboard')
    router.get('/events', [EventsController, 'index']).as('events.index')
    router.post('/events', [EventsController, 'store']).as('events.store')
    router.post('/events/discover', [EventsController, 'discover']).as('events.discover')
    router
      .get('/events/:id', [EventsController, 'show'])
      .as('events.show')
      .where('id', router.matchers.number())
    router.get('/watch-rules', [WatchRulesController, 'index']).as('watch_rules.index')
    router.get('/watch-rules/new', [WatchRulesController, 'create']).as('watch_rules.create')
    router.post('/watch-rules', [WatchRulesController, 'store']).as('watch_rules.store')
    router.post('/watch-rules/preview', [WatchRulesController, 'preview']).as('watch_rules.preview')
    router.get('/watch-rules/:id/edit', [WatchRulesController, 'edit']).as('watch_rules.edit')
    router.put('/watch-rules/:id', [WatchRulesController, 'update']).as('watch_rules.update')
    router.delete('/watch-rules/:id', [WatchRulesController, 'destroy']).as('watch_rules.destroy')
    router
      .put('/watch-rules/:id/enabled', [WatchRulesController, 'toggle'])
      .as('watch_rules.toggle')
    router.get('/alerts', [AlertsController, 'index']).as('alerts.index')
    router
      .post('/alerts/acknowledge-shown', [AlertsController, 'acknowledgeShown'])
      .as('alerts.acknowledge_shown')
    router
      .post('/alerts/:id/acknowledge', [AlertsController, 'acknowledge'])
      .as('alerts.acknowledge')
    router.post('/alerts/:id/snooze', [AlertsController, 'snooze']).as('alerts.snooze')
    router.get('/purchases', [PurchasesController, 'index']).as('purchases.index')
    router.get('/purchases/budget', [PurchasesController, 'budget']).as('purchases.budget')
    router
      .put('/purchases/budget', [PurchasesController, 'updateBudget'])
      .as('purchases.budget.update')
    router.post('/purchases', [PurchasesController, 'store']).as('purchases.store')
    router.post('/purchases/manual', [PurchasesController, 'recordManual']).as('purchases.manual')
    router
      .get('/purchases/assist/:eventId/:platform', [PurchasesController, 'assist'])
      .as('purchases.assist')
    router
      .get('/purchases/:id', [PurchasesController, 'show'])
      .as('purchases.show')
      .where('id', router.matchers.number())
    router.post('/purchases/:id/approve', [PurchasesController, 'approve']).as('purchases.approve')
    router.post('/purchases/:id/reject', [PurchasesController, 'reject']).as('purchases.reject')
    router.post('/purchases/:id/cancel', [PurchasesController, 'cancel']).as('purchases.cancel')
    router.get('/accounts', [AccountsController, 'index']).as('accounts.index')
    router.post('/accounts', [AccountsController, 'store']).as('accounts.store')
    router.put('/accounts/:id', [AccountsController, 'update']).as('accounts.update')
    router.post('/accounts/:id/recheck', [AccountsController, 'recheck']).as('accounts.recheck')
    router.delete('/accounts/:id', [AccountsController, 'destroy']).as('accounts.destroy')

    router.get('/settings', [SettingsController, 'show']).as('settings.show')
    router.put('/settings/profile', [SettingsController, 'updateProfile']).as('settings.profile')
    router.put('/settings/password', [SettingsController, 'updatePassword']).as('settings.password')
    router
      .post('/settings/sessions/sign-out-everywhere', [SettingsController, 'signOutEverywhere'])
      .as('settings.sessions.end_all')
    router.post('/settings/tokens', [SettingsController, 'createToken']).as('settings.tokens.store')
    router
      .delete('/settings/tokens/:id', [SettingsController, 'revokeToken'])
      .as('settings.tokens.destroy')
  })
  .use(middleware.auth())

/**
 * SSE: opening a stream and subscribing need a signed-in user, and the
 * channel `users/<id>` only that user (start/transmit.ts). `uid` and
 * `channel` are checked before Transmit reads them.
 */
transmit.registerRoutes((route) => {
  route.use([middleware.auth(), middleware.transmitInput()])
})
