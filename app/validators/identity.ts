import vine from '@vinejs/vine'

/**
 * Emails and names people are known by. Nothing that does not show may hide
 * in them (control characters such as NUL or ESC, zero-width characters,
 * bidirectional overrides such as U+202E, byte-order marks, fillers), and no
 * word may mix the letters of two scripts: `аdmin` with a Cyrillic "а"
 * looks like `admin` and is another account. Emails are normalised (NFKC,
 * trimmed, lower-cased) so that one address has one spelling.
 */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0]/u

/** Scripts a letter can belong to; Chinese, Japanese and Korean scripts count as one (they mix). */
const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['CJK', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u],
]

function scriptOf(letter: string) {
  return SCRIPTS.find(([, pattern]) => pattern.test(letter))?.[0] ?? 'Other'
}

/** The first word (split on anything that is not a letter or mark) whose letters come from two scripts. */
export function mixedScriptWord(text: string): string | null {
  for (const word of text.split(/[^\p{L}\p{M}]+/u)) {
    const scripts = new Set([...word].filter((c) => /\p{L}/u.test(c)).map(scriptOf))
    if (scripts.size > 1) return word
  }
  return null
}

export function hasInvisible(text: string) {
  return INVISIBLE.test(text)
}

const cleanEmail = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  if (hasInvisible(value)) {
    field.report(
      'The {{ field }} contains an invisible or control character: type the address again',
      'email.invisible',
      field
    )
    return
  }
  const normalised = value.normalize('NFKC').trim().toLowerCase()
  if (mixedScriptWord(normalised)) {
    field.report(
      'The {{ field }} mixes letters of different alphabets (such as a Cyrillic "а" in a Latin word)',
      'email.mixedScript',
      field
    )
    return
  }
  field.mutate(normalised, field)
})

const cleanName = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  if (hasInvisible(value)) {
    field.report(
      'The {{ field }} contains an invisible or control character',
      'name.invisible',
      field
    )
    return
  }
  const word = mixedScriptWord(value.normalize('NFC'))
  if (word) {
    field.report(
      `The {{ field }} mixes letters of different alphabets in "${word}"`,
      'name.mixedScript',
      field
    )
    return
  }
  field.mutate(value.normalize('NFC'), field)
})

/** An email address: NFKC, trimmed, lower-cased; nothing invisible, no mixed-script word. */
export const emailAddress = () =>
  vine.string().use(cleanEmail()).maxLength(254).email().normalizeEmail({ all_lowercase: true })

/** A person's name: trimmed, NFC; nothing invisible, no mixed-script word. */
export const personName = () => vine.string().trim().use(cleanName()).minLength(1).maxLength(120)
