import { test } from '@japa/runner'
import { csvRow, guardFormula, toCsv, unguardFormula } from '#csv/writer'
import { parseCsv } from '#api/csv'

/** Issue #12, item 3: one CSV writer, with the formula guard, for every export. */
const RUNNABLE = [
  '=HYPERLINK("http://evil.example","click")',
  '+1+cmd|"/C calc"!A0',
  '-2+3+cmd|"/C calc"!A0',
  '@SUM(1+1)*cmd|"/C calc"!A0',
  '\t=1+1',
  '\r=1+1',
]

test.group('CSV writer', () => {
  test('every cell a spreadsheet would run is written as text', ({ assert }) => {
    for (const text of RUNNABLE) {
      const line = csvRow([text])
      const [cell] = Object.values(parseCsv(`h\r\n${line}`)[0])
      assert.equal(cell, text, 'read back by our own import, it is what was written')
      const raw = line.replace(/^"/, '')
      assert.equal(raw[0], "'", `${JSON.stringify(text)} starts with an apostrophe in the file`)
    }
    assert.equal(guardFormula('Lakers vs. Celtics'), 'Lakers vs. Celtics')
    assert.equal(guardFormula('-12.50'), '-12.50')
  })

  test('the guard round-trips, apostrophes included', ({ assert }) => {
    for (const text of ["'=1+1", "''@x", "'plain", '=1', 'x'])
      assert.equal(unguardFormula(guardFormula(text)), text)
  })

  test('toCsv: header, CRLF, quoting, missing columns, objects as guarded JSON', ({ assert }) => {
    assert.equal(
      toCsv(['name', 'note', 'n'], [{ name: ' padded', note: 'a,b', n: 3 }, { name: '=x' }]),
      `name,note,n\r\n" padded","a,b",3\r\n'=x,,\r\n`
    )
  })
})
