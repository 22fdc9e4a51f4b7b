/**
 * `watch_rule:following` → a DiscoverFollowedEvents job for that rule
 * (app/monitoring/follow_discovery.ts searches the platforms for it).
 */
import DiscoverFollowedEvents from '#jobs/discover_followed_events'
import type { WatchRuleFollowing } from '#alerts/watch_rule_events'

export default class QueueFollowDiscovery {
  async handle({ ruleId }: WatchRuleFollowing) {
    await DiscoverFollowedEvents.dispatch({ ruleIds: [ruleId] })
  }
}
