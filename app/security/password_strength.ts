/**
 * How guessable a password is, estimated offline by zxcvbn-ts with its
 * bundled dictionaries (the most common and breached passwords, English
 * words and names, keyboard patterns, dates, repeats): nothing is fetched at
 * run time. A password needs score 3 of 4 ("safely unguessable": beyond
 * about 10^10 guesses), with the user's own email and name counted as
 * known words.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as english from '@zxcvbn-ts/language-en'

export const MIN_SCORE = 3

let factory: ZxcvbnFactory | null = null

function estimator() {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  })
  return factory
}

/** Null when the password is strong enough; else why not, in words for the person choosing it. */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  const result = estimator().check(password, userInputs.filter(Boolean))
  if (result.score >= MIN_SCORE) return null
  const why = result.feedback.warning ? ` ${result.feedback.warning}` : ''
  const hint = result.feedback.suggestions[0] ?? 'Add another word or two that are less common.'
  return `This password is too easy to guess.${why} ${hint}`.replace(/\s+/g, ' ').trim()
}
