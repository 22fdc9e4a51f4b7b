import env from '#start/env'

/**
 * Analytics settings. The calendar feed's token is an HMAC keyed with
 * APP_KEY (app/analytics/calendar_feed.ts): rotating APP_KEY changes every
 * feed URL, as it would any signed URL.
 */
const analyticsConfig = {
  calendarKey: env.get('APP_KEY').release(),
  appUrl: env.get('APP_URL'),
  /** The price chart's default window */
  chartDays: 90,
}

export default analyticsConfig
