import { test } from '@japa/runner'
import { fixture } from '#tests/helpers/fixtures'
import { normalisePath, parseRobots } from '#connectors/jsonld/robots'

const rfc = (name: string) => fixture(`robots/${name}`).replace(/\nEOF\s*$/, '\n')

test.group('robots.txt (RFC 9309)', () => {
  test('RFC §5.1: foobot, barbot/bazbot, quxbot (empty group) and * groups', ({ assert }) => {
    const text = rfc('rfc9309-5.1-simple-example.txt')
    const foobot = parseRobots(text, 'FooBot')
    assert.isFalse(foobot.isAllowed('/'))
    assert.isFalse(foobot.isAllowed('/example/page/disallowed.gif'))
    assert.isTrue(foobot.isAllowed('/example/page.html'))
    assert.isTrue(foobot.isAllowed('/example/allowed.gif'))
    for (const bot of ['barbot', 'BAZBOT']) {
      const policy = parseRobots(text, bot)
      assert.isFalse(policy.isAllowed('/example/page.html'), bot)
      assert.isTrue(
        policy.isAllowed('/example/other.html'),
        `${bot}: named groups do not inherit *`
      )
      assert.isTrue(policy.isAllowed('/picture.gif'))
    }
    assert.isTrue(
      parseRobots(text, 'quxbot').isAllowed('/example/anything.gif'),
      'an empty group allows everything'
    )
    const ours = parseRobots(text, 'HDTickets')
    assert.isFalse(ours.isAllowed('/example/x.html'))
    assert.isFalse(ours.isAllowed('/picture.gif'), '*.gif$')
    assert.isTrue(ours.isAllowed('/picture.gif?size=2'), '$ anchors at the end')
    assert.isTrue(ours.isAllowed('/publications/a.html'))
    assert.isTrue(
      ours.isAllowed('/publications/a.gif'),
      'longer allow beats the shorter *.gif$ rule'
    )
    assert.isTrue(ours.isAllowed('/robots.txt'))
  })

  test('RFC §5.2: the longest match wins', ({ assert }) => {
    const policy = parseRobots(rfc('rfc9309-5.2-longest-match.txt'), 'foobot')
    assert.isFalse(policy.isAllowed('/example/page/disallowed.gif'))
    assert.isTrue(policy.isAllowed('/example/page/other.gif'))
    assert.isTrue(policy.isAllowed('/example/page/'))
  })

  test('allow wins a tie; wildcards inside a path; query strings are part of the match', ({
    assert,
  }) => {
    const policy = parseRobots(
      'User-agent: *\nDisallow: /a\nAllow: /a\nDisallow: /tickets/*/checkout\nDisallow: /*?sessionid=\n',
      'HDTickets'
    )
    assert.isTrue(policy.isAllowed('/a'))
    assert.isFalse(policy.isAllowed('/tickets/123/checkout'))
    assert.isTrue(policy.isAllowed('/tickets/123/details'))
    assert.isFalse(policy.isAllowed('/events?sessionid=1'))
    assert.isTrue(policy.isAllowed('/events?page=1'))
  })

  test('percent-encoding is normalised on both sides; paths are case-sensitive', ({ assert }) => {
    assert.equal(normalisePath('/a%7eb/%c3%a9'), '/a~b/%C3%A9')
    assert.equal(normalisePath('/é'), '/%C3%A9')
    const policy = parseRobots(
      'User-agent: *\nDisallow: /caf%C3%A9\nDisallow: /%7Euser\nDisallow: /Private\n',
      'HDTickets'
    )
    assert.isFalse(policy.isAllowed('/café'))
    assert.isFalse(policy.isAllowed('/caf%c3%a9/menu'))
    assert.isFalse(policy.isAllowed('/~user/page'))
    assert.isTrue(policy.isAllowed('/private'))
  })

  test('product token matching is case-insensitive and ignores a version; crawl-delay, comments, empty Disallow', ({
    assert,
  }) => {
    const policy = parseRobots(
      '# comment\nUser-agent: HDTickets/2.0 # us\nDisallow: /x # no\nCrawl-delay: 2.5\n\nUser-agent: *\nDisallow:\n',
      'hdtickets'
    )
    assert.isFalse(policy.isAllowed('/x/y'))
    assert.equal(policy.crawlDelayMs, 2500)
    const other = parseRobots('User-agent: *\nDisallow:\n', 'HDTickets')
    assert.isTrue(other.isAllowed('/anything'))
    assert.isNull(other.crawlDelayMs)
  })
})
