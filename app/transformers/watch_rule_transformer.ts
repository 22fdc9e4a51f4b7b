import type WatchRule from '#models/watch_rule'

export default class WatchRuleTransformer {
  static toJSON(rule: WatchRule) {
    return {
      id: rule.id,
      name: rule.name,
      eventId: rule.eventId,
      filters: rule.filters ?? {},
      maxPriceMinor: rule.maxPriceMinor,
      currency: rule.currency,
      includeFees: rule.includeFees,
      minQuantity: rule.minQuantity,
      sections: rule.sections ?? [],
      triggers: rule.triggers ?? [],
      hysteresisMinor: rule.hysteresisMinor,
      cooldownSeconds: rule.cooldownSeconds,
      minDealScore: rule.minDealScore ?? null,
      maxAlertsPerHour: rule.maxAlertsPerHour ?? null,
      channels: rule.channels ?? [],
      importance: rule.importance,
      autoPurchase: rule.autoPurchase,
      enabled: rule.enabled,
      follow: rule.follow ?? false,
      lastDiscoveredAt: rule.lastDiscoveredAt?.toUTC().toISO() ?? null,
      // a rule just created has not read back its column defaults
      discoveredEvents: rule.discoveredEvents ?? 0,
      lastDiscoveryError: rule.lastDiscoveryError ?? null,
      createdAt: rule.createdAt?.toUTC().toISO() ?? null,
    }
  }
}
