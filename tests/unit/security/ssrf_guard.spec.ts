import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from '@japa/runner'
import { request } from 'undici'
import { SsrfGuard, SsrfRefused } from '#security/ssrf_guard'

async function refusal(guard: SsrfGuard, url: string): Promise<SsrfRefused | null> {
  try {
    await guard.check(url)
    return null
  } catch (error) {
    if (error instanceof SsrfRefused) return error
    throw error
  }
}

test.group('SSRF guard', () => {
  test('refuses loopback, private, link-local, CGNAT, 0/8 and IPv4-mapped forms, naming why', async ({
    assert,
  }) => {
    const guard = new SsrfGuard()
    const cases: Array<[string, string]> = [
      ['http://127.0.0.1/', 'loopback'],
      ['http://127.8.9.10:8080/x', 'loopback'],
      ['http://[::1]/', 'loopback'],
      ['http://10.0.0.1/', '10.0.0.0/8'],
      ['http://172.16.5.4/', '172.16.0.0/12'],
      ['http://192.168.1.1/', '192.168.0.0/16'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://0.0.0.0/', '0.0.0.0/8'],
      ['http://100.64.1.1/', 'carrier-grade NAT'],
      ['http://[fc00::1]/', 'unique-local'],
      ['http://[fd12:3456::1]/', 'unique-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
      ['http://[::ffff:a9fe:a9fe]/', 'IPv4-mapped link-local'],
      ['http://2130706433/', 'loopback'],
    ]
    for (const [url, why] of cases) {
      const error = await refusal(guard, url)
      assert.instanceOf(error, SsrfRefused, url)
      assert.include(error!.message, why, url)
    }
  })

  test('a DNS name resolving to loopback is refused (localhost)', async ({ assert }) => {
    const error = await refusal(new SsrfGuard(), 'http://localhost:3333/')
    assert.instanceOf(error, SsrfRefused)
    assert.include(error!.message, 'localhost resolves to')
  })

  test('any private answer among several refuses the name (no first-answer-only check)', async ({
    assert,
  }) => {
    const guard = new SsrfGuard({
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.1.2.3', family: 4 },
      ],
    })
    assert.include((await refusal(guard, 'https://tickets.example/'))!.message, '10.0.0.0/8')
  })

  test('public addresses pass; only http(s) without embedded credentials', async ({ assert }) => {
    const guard = new SsrfGuard({ resolve: async () => [{ address: '93.184.216.34', family: 4 }] })
    assert.deepEqual((await guard.check('https://tickets.example/e/1')).addresses, [
      '93.184.216.34',
    ])
    assert.isNull(await refusal(guard, 'http://8.8.8.8/'))
    assert.include((await refusal(guard, 'ftp://tickets.example/'))!.message, 'scheme ftp')
    assert.include((await refusal(guard, 'javascript:alert(1)'))!.message, 'scheme')
    assert.include(
      (await refusal(guard, 'https://user:pw@tickets.example/'))!.message,
      'credentials'
    )
  })

  test('the operator allow-list: hosts, CIDRs, or allowPrivate', async ({ assert }) => {
    assert.isNull(
      await refusal(new SsrfGuard({ allowedHosts: ['localhost'] }), 'http://localhost/')
    )
    const cidr = new SsrfGuard({ allowedCidrs: ['10.20.0.0/16'] })
    assert.isNull(await refusal(cidr, 'http://10.20.3.4/'))
    assert.instanceOf(await refusal(cidr, 'http://10.21.0.1/'), SsrfRefused)
    assert.instanceOf(await refusal(cidr, 'http://127.0.0.1/'), SsrfRefused)
    assert.isNull(await refusal(new SsrfGuard({ allowPrivate: true }), 'http://169.254.169.254/'))
    assert.throws(() => new SsrfGuard({ allowedCidrs: ['not-a-cidr'] }))
  })

  test('the guarded dispatcher refuses at connect time (DNS rebinding)', async ({ assert }) => {
    const server = createServer((_req, res) => res.end('secret'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    const guard = new SsrfGuard({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] })
    const dispatcher = guard.createDispatcher()
    try {
      const error = await request(`http://rebind.example:${port}/`, { dispatcher }).catch(
        (e: unknown) => e
      )
      assert.instanceOf(error, Error)
      assert.include(
        String((error as Error).message) +
          String((error as { cause?: Error }).cause?.message ?? ''),
        'SSRF'
      )
      const allowed = new SsrfGuard({ allowedHosts: ['127.0.0.1'] }).createDispatcher()
      const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: allowed })
      assert.equal(await response.body.text(), 'secret')
      await allowed.close()
    } finally {
      await dispatcher.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
