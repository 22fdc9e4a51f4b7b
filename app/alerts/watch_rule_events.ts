/**
 * What watch rules announce, on the framework's emitter (listeners:
 * start/events.ts → app/listeners/).
 *
 * - `watch_rule:following`: a follow rule was created, changed or resumed;
 *   what it follows is to be searched for now rather than at the next
 *   hourly run.
 */
export interface WatchRuleFollowing {
  ruleId: number
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'watch_rule:following': WatchRuleFollowing
  }
}
