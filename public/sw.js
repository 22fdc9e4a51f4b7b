/*
 * HDTickets service worker: shows web push notifications and handles their
 * actions. The payload is JSON built by app/notifications/channels/webpush_channel.ts:
 * { title, body, tag, timestamp, requireInteraction, renotify, actions,
 *   data: { url, notificationId, purchaseRequestId, actionUrls: { open, snooze, approve } } }
 * - open: focuses an HDTickets tab on the link (or opens one);
 * - snooze: opens the notification centre, which snoozes it (signed-in session, CSRF-protected);
 * - approve: opens the purchase request with the approval dialog (approving still needs a click).
 */
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

self.addEventListener('push', (event) => {
  let payload
  try {
    payload = event.data ? event.data.json() : null
  } catch {
    payload = { title: 'HDTickets', body: event.data ? event.data.text() : '' }
  }
  if (!payload) return
  event.waitUntil(
    self.registration.showNotification(payload.title || 'HDTickets', {
      body: payload.body,
      tag: payload.tag,
      timestamp: payload.timestamp,
      requireInteraction: Boolean(payload.requireInteraction),
      renotify: Boolean(payload.renotify && payload.tag),
      actions: Array.isArray(payload.actions) ? payload.actions : [],
      data: payload.data || {},
      icon: '/favicon.ico',
    })
  )
})

function sameOrigin(url) {
  try {
    const target = new URL(url, self.location.origin)
    return target.origin === self.location.origin
      ? target.href
      : self.location.origin + '/notifications'
  } catch {
    return self.location.origin + '/notifications'
  }
}

async function focusOrOpen(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  for (const client of windows) {
    if (new URL(client.url).origin === self.location.origin && 'navigate' in client) {
      await client.focus()
      return client.navigate(url)
    }
  }
  return self.clients.openWindow(url)
}

self.addEventListener('notificationclick', (event) => {
  const data = event.notification.data || {}
  event.notification.close()
  let url = data.url
  if (event.action === 'snooze' && data.notificationId) {
    url = `/notifications?snooze=${encodeURIComponent(data.notificationId)}`
  } else if (event.action === 'approve' && data.actionUrls && data.actionUrls.approve) {
    url = data.actionUrls.approve
  }
  event.waitUntil(focusOrOpen(sameOrigin(url || '/notifications')))
})

// The browser rotated the subscription: the settings page re-subscribes on its next visit.
self.addEventListener('pushsubscriptionchange', () => {})
