import { test } from '@japa/runner'
import User from '#models/user'
import { upsertEvent } from '#monitoring/event_catalogue'
import { createUser } from '#tests/helpers/users'
import { createPlatform, normalisedEvent } from '#tests/helpers/market'

/**
 * Every page renders on the server as a first visit would (full HTML, not
 * an Inertia visit), and leaves nothing behind that could fail later in
 * the server process (timers, browser-only globals).
 */
test.group('Server-side rendering of every page', (group) => {
  group.each.setup(async () => {
    await User.query().delete()
  })

  test('each page renders its heading on the server', async ({ client, assert }) => {
    const admin = await createUser('admin')
    const platform = await createPlatform()
    const { eventId } = await upsertEvent(
      platform.id,
      normalisedEvent({ name: 'Render Test Game' })
    )
    const pages: Array<[string, string]> = [
      ['/', '<h1>Dashboard</h1>'],
      ['/events', '<h1>Events</h1>'],
      [`/events/${eventId}`, 'Render Test Game'],
      ['/watch-rules', '<h1>Watch rules</h1>'],
      ['/watch-rules/new', 'New watch rule'],
      ['/alerts', '<h1>Alerts</h1>'],
      ['/accounts', 'Linked platform accounts'],
      ['/settings', '<h1>Settings</h1>'],
      ['/settings/notifications', 'Add a channel'],
      ['/notifications', '<h1>Notifications</h1>'],
      ['/admin/users', 'Users and roles'],
      ['/admin/platforms', 'Platforms and their limits'],
      ['/admin/sources', 'Check schedule'],
      ['/admin', '<h1>Admin</h1>'],
      ['/admin/queue', '<h1>Queue</h1>'],
      ['/admin/audit', '<h1>Audit log</h1>'],
      ['/events?cursor=forged', 'page link is not valid'],
      ['/purchases', '<h1>Purchases</h1>'],
      ['/purchases/budget', 'Budget and price tolerance'],
      ['/analytics', '<h1>Analytics</h1>'],
      ['/analytics', 'Create calendar address'],
      [`/events/${eventId}`, 'No price history yet'],
    ]
    for (const [url, text] of pages) {
      const response = await client.get(url).loginAs(admin)
      /** A forged cursor still renders the page, with its error, as a 422. */
      assert.equal(response.status(), url.includes('cursor=') ? 422 : 200, url)
      assert.include(response.text(), 'data-server-rendered="true"', url)
      /** Scoped styles add data-v-* attributes to the elements: compare without them. */
      assert.include(response.text().replace(/ data-v-[0-9a-f]+/g, ''), text, url)
    }
    /** Long enough for any timer a page might have started during rendering to fire. */
    await new Promise((resolve) => setTimeout(resolve, 700))
  }).timeout(60_000)
})
