import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const AnalyticsController = () => import('#controllers/analytics_controller')

/** Analytics page, CSV exports and the calendar feed address (signed in). */
router
  .group(() => {
    router.get('/analytics', [AnalyticsController, 'index']).as('analytics.index')
    router.get('/analytics/alerts.csv', [AnalyticsController, 'alerts']).as('analytics.alerts_csv')
    router
      .get('/analytics/purchases.csv', [AnalyticsController, 'purchases'])
      .as('analytics.purchases_csv')
    router
      .post('/analytics/calendar', [AnalyticsController, 'regenerateCalendar'])
      .as('analytics.calendar.regenerate')
    router
      .get('/events/:id/price-history.csv', [AnalyticsController, 'priceHistory'])
      .as('events.price_history_csv')
      .where('id', router.matchers.number())
  })
  .use(middleware.auth())

/** The private iCal feed: its token is the credential (calendar apps send no cookies). */
router.get('/calendar/:userId/:token', [AnalyticsController, 'calendar']).as('calendar.feed')
