import { test } from '@japa/runner'
import {
  connectorFactories,
  createConnector,
  createSharedTransport,
  platformSeeds,
} from '#connectors/registry'

test.group('connector registry', () => {
  test('every registered connector builds from the shared transport and has a seed row', async ({
    assert,
  }) => {
    const { transport, ssrfGuard } = createSharedTransport({
      version: '0.1.0',
      instanceUrl: 'https://hdtickets.test',
    })
    try {
      for (const slug of [
        'ticketmaster',
        'seatgeek',
        'stubhub',
        'jsonld',
        'ticketevolution',
        'sandbox',
      ]) {
        assert.property(connectorFactories, slug)
        const connector = createConnector(slug, {
          transport,
          ssrfGuard,
          settings: { sandbox: { baseUrl: 'http://127.0.0.1:1' } },
        })
        assert.equal(connector.slug, slug)
        const seed = platformSeeds.find((row) => row.slug === slug)
        assert.exists(seed, `${slug} has a platforms seed`)
        assert.deepEqual(
          seed!.capabilities,
          connector.capabilities,
          `${slug}: seeded capabilities match the connector`
        )
      }
      assert.throws(
        () => createConnector('nope', { transport, ssrfGuard }),
        /unknown platform "nope"/
      )
      assert.throws(
        () => createConnector('sandbox', { transport, ssrfGuard }),
        /sandbox exchange is not running/
      )
      assert.sameMembers(
        Object.keys(connectorFactories),
        platformSeeds.map((row) => row.slug)
      )
    } finally {
      await transport.close()
    }
  })

  test('seeded rate limits follow the published quotas', ({ assert }) => {
    const bySlug = Object.fromEntries(platformSeeds.map((row) => [row.slug, row]))
    assert.containsSubset(bySlug.ticketmaster, { requestsPerSecond: 5, requestsPerDay: 5000 })
    assert.containsSubset(bySlug.seatgeek, { requestsPerSecond: 1 })
    assert.containsSubset(bySlug.stubhub, { requestsPerSecond: 1 })
    assert.containsSubset(bySlug.jsonld, { requestsPerSecond: 0.2 })
    for (const row of platformSeeds) {
      assert.sameMembers(Object.keys(row), [
        'slug',
        'name',
        'baseUrl',
        'apiEndpoints',
        'scraperConfig',
        'capabilities',
        'requestsPerSecond',
        'requestsPerDay',
        'maxTicketsPerOrder',
      ])
      /** Only the official order API (and the sandbox speaking it) places orders. */
      assert.equal(
        row.capabilities.checkout,
        ['ticketevolution', 'sandbox'].includes(row.slug),
        `${row.slug} checkout`
      )
    }
  })
})
