import { test } from '@japa/runner'
import { csvLines, csvRow, decimal } from '#analytics/csv'
import { calendarFeed, foldLine, icalText } from '#analytics/ical'

test.group('CSV and iCalendar writers', () => {
  test('CSV escaping: quotes, commas, newlines, formulas, empty values', ({ assert }) => {
    const cell = (value: any) => csvRow([value]).slice(0, -2)
    assert.equal(cell('plain'), 'plain')
    assert.equal(cell('a,b'), '"a,b"')
    assert.equal(cell('say "hi"'), '"say ""hi"""')
    assert.equal(cell('two\nlines'), '"two\nlines"')
    assert.equal(cell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`)
    assert.equal(cell('-5+cmd'), "'-5+cmd")
    assert.equal(cell('-5'), '-5')
    assert.equal(cell(-5), '-5')
    assert.equal(cell(null), '')
    assert.equal(cell(new Date(0)), '1970-01-01T00:00:00.000Z')
    assert.equal(csvRow(['a', 1, null]), 'a,1,\r\n')
    assert.deepEqual(
      [decimal(12_345), decimal(5), decimal(-250), decimal(null), decimal(1234, 0)],
      ['123.45', '0.05', '-2.50', '', '1234']
    )
  })

  test('CSV lines stream page by page after the header', async ({ assert }) => {
    async function* pages() {
      yield [{ n: 1 }, { n: 2 }]
      yield []
      yield [{ n: 3 }]
    }
    const chunks: string[] = []
    for await (const chunk of csvLines(['n'], pages(), (row) => [row.n])) chunks.push(chunk)
    assert.deepEqual(chunks, ['n\r\n', '1\r\n2\r\n', '3\r\n'])
  })

  test('iCal: escaped text, folded lines, UTC times, TBD events left out', ({ assert }) => {
    assert.equal(icalText('a, b; c\\d\ne'), 'a\\, b\\; c\\\\d\\ne')
    const long = 'SUMMARY:' + 'é'.repeat(60)
    const folded = foldLine(long)
    for (const piece of folded.split('\r\n')) assert.isAtMost(Buffer.byteLength(piece), 75)
    assert.equal(
      folded
        .split('\r\n')
        .map((piece, i) => (i ? piece.slice(1) : piece))
        .join(''),
      long
    )

    const feed = calendarFeed(
      [
        {
          id: 7,
          name: 'Lakers, at Celtics',
          startsAt: Date.parse('2027-01-01T01:00:00Z'),
          dateTbd: false,
          venue: 'TD Garden',
          city: 'Boston',
          status: 'onsale',
          url: 'http://x/events/7',
          lowestPrice: '$75.00',
          updatedAt: 0,
        },
        {
          id: 8,
          name: 'TBD game',
          startsAt: null,
          dateTbd: true,
          venue: null,
          city: null,
          status: 'scheduled',
          url: 'http://x/events/8',
          lowestPrice: null,
          updatedAt: 0,
        },
      ],
      { host: 'x', name: 'My events', now: Date.parse('2026-11-24T22:00:00Z') }
    )
    assert.isTrue(feed.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'))
    assert.isTrue(feed.endsWith('END:VCALENDAR\r\n'))
    assert.include(feed, 'UID:event-7@x\r\n')
    assert.include(feed, 'DTSTART:20270101T010000Z\r\n')
    assert.include(feed, 'DTEND:20270101T040000Z\r\n')
    assert.include(feed, 'SUMMARY:Lakers\\, at Celtics\r\n')
    assert.include(feed, 'LOCATION:TD Garden\\, Boston\r\n')
    assert.notInclude(feed, 'TBD game')
    assert.equal(feed.match(/BEGIN:VEVENT/g)!.length, 1)
  })
})
