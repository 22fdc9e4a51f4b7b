/**
 * The Inertia pages the server renders and the props each takes. Keep in
 * step with inertia/pages/<name>.vue (their defineProps).
 */
import '@adonisjs/inertia/types'

type TokenRow = {
  id: number | string
  name: string | null
  abilities: string[]
  lastUsedAt: string | null
  createdAt: string
  expiresAt: string | null
}

type NotificationRow = {
  id: number
  type: string
  title: string
  body: string
  link: string | null
  priority: 'low' | 'normal' | 'high'
  alertId: number | null
  readAt: string | null
  createdAt: string | null
  deliveries: DeliveryReceipt[]
}

type DeliveryReceipt = {
  channelId: number | null
  channelKind: string
  channelName: string | null
  status: string
  attempts: number
  lastError: string | null
  deliveredAt: string | null
}

type ChannelRow = {
  id: number
  kind: string
  name: string
  target: string | null
  verifiedAt: string | null
  disabledAt: string | null
  disabledReason: string | null
  consecutiveFailures: number
  createdAt: string | null
}

type AttemptRow = {
  id: number
  deliveryId: number
  channelKind: string | null
  channelName: string | null
  notificationTitle: string | null
  attempt: number
  status: string
  providerId: string | null
  errorCode: string | null
  error: string | null
  latencyMs: number
  attemptedAt: string | null
}

type NotificationPreferencesProps = {
  timeZone: string
  quietHours: { start: string; end: string } | null
  digestMinutes: number | null
  escalation: { afterMinutes: number; channelIds: number[] } | null
  types: Record<string, number[]>
}

type UserRow = {
  id: number
  email: string
  fullName: string | null
  role: string
  timezone: string
  disabled: boolean
  createdAt: string | null
}

declare module '@adonisjs/inertia/types' {
  export interface InertiaPages {
    'auth/login': { signupEnabled: boolean }
    'auth/signup': { signupEnabled: boolean }
    'dashboard/index': {
      watched: any[]
      alerts: any[]
      pendingPurchases: any[]
      sources: any[]
      queue: { waiting: number; active: number; failed: number } | null
    }
    'sections/empty': { section: string }
    'settings/show': {
      tokens: TokenRow[]
      allowedAbilities: string[]
      timezones: string[]
      newToken: { name: string; secret: string } | null
      sessionCount: number
      sessionLimits: { idle: string; lifetime: string }
    }
    'admin/users': { users: UserRow[] }
    'events/index': {
      events: any[]
      nextCursor: string | null
      filters: Partial<
        Record<
          | 'q'
          | 'sport'
          | 'league'
          | 'team'
          | 'venue'
          | 'from'
          | 'to'
          | 'platform'
          | 'status'
          | 'cursor',
          string
        >
      >
      filterErrors: Record<string, string>
      sports: string[]
      leagues: string[]
      platforms: Array<{ slug: string; name: string }>
    }
    'watch_rules/index': { rules: any[] }
    'watch_rules/form': {
      rule: any
      events: any[]
      platforms: any[]
      channels: Array<{ id: number; kind: string; name: string; disabled: boolean }>
      defaultEventId: number | null
    }
    'alerts/index': {
      alerts: any[]
      nextCursor: string | null
      dealScores: Record<string, any>
      bands: Record<string, any>
      filters: { ruleId: number | null; eventId: number | null; unread: boolean }
      choices: {
        rules: Array<{ id: number; name: string }>
        events: Array<{ id: number; name: string }>
      }
    }
    'purchases/index': {
      awaiting: any[]
      history: any[]
      meta: any
      filters: any
      successRates: any
      canApproveOthers: boolean
    }
    'purchases/show': { request: any; order: any; history: any[] }
    'purchases/budget': { budget: any }
    'accounts/index': { accounts: any[]; platforms: any[] }
    'admin/platforms': { platforms: any[] }
    'api/docs': { documentUrl: string; signedIn: boolean }
    'admin/sources': { platforms: any[]; problems: any[]; schedules: any[]; scheduledTotal: number }
    'admin/index': {
      queue: { driver: string; waiting: number; active: number; failed: number }
      sources: { active: number; paused: number; blocked: number }
      audit: number
      delivery: Array<{ kind: string; available: boolean; needs: string }>
    }
    'admin/queue': {
      driver: 'database' | 'redis'
      queues: Array<{
        queue: string
        waiting: number
        delayed: number
        active: number
        failed: number
      }>
      failed: Array<{
        id: string
        queue: string
        name: string
        attempts: number
        error: string | null
        failedAt: string | null
      }>
    }
    'admin/audit': {
      entries: any[]
      nextCursor: string | null
      filters: Partial<
        Record<'actor' | 'action' | 'subjectType' | 'subjectId' | 'from' | 'to' | 'before', string>
      >
      filterErrors: Record<string, string>
      actions: string[]
      subjectTypes: string[]
    }
    'admin/zones': {
      venues: Array<{ name: string; events: number }>
      venue: string | null
      sections: Array<{
        section: string
        medianMinor: number | null
        zone: string | null
        zoneLabel: string | null
        source: string | null
      }>
      zones: Array<{ id: string; label: string }>
    }
    'events/show': {
      event: any
      sources: any[]
      listings: any[]
      changes: any[]
      chart: any
      spread: any[]
      platforms: any[]
      dealScores: Record<string, any>
      band: any
    }
    'analytics/index': {
      groups: { leagues: string[]; teams: string[] }
      selected: { kind: 'league' | 'team'; name: string | null }
      trend: any[]
      curve: any[]
      pastEvents: number
      backtest: any
      hints: any[]
      alerts: any[]
      spend: any
      funnel: any[]
      comparison: any
      watchedEvents: any[]
      calendarUrl: string | null
    }
    'notifications/index': {
      notifications: NotificationRow[]
      nextCursor: string | null
      unread: number
    }
    'settings/notifications': {
      channels: ChannelRow[]
      kinds: string[]
      types: string[]
      preferences: NotificationPreferencesProps
      attempts: AttemptRow[]
      timezones: string[]
      vapidPublicKey: string | null
      signingSecret: string | null
    }
    'errors/not_found': { message?: string }
    'errors/forbidden': { message?: string }
    'errors/server_error': { message?: string }
  }
}
