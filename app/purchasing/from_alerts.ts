/**
 * Alerts of rules with auto-purchase on open purchase requests (the rule's
 * seats, at most the rule's cap). The purchase service decides whether the
 * request is approved at once (it fits the rule's cap and the user's
 * budget) or waits for approval; refusals (no linked account, budget,
 * splits) are logged, never retried in a loop.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import User from '#models/user'
import { purchaseService } from '#purchasing/settings'
import type { Match } from '#alerts/rule_engine'

export async function openRequestsFromAlerts(matches: readonly Match[]) {
  const listingMatches = matches.filter(
    (match) => match.listingId !== null && match.type === 'ticket_available'
  )
  if (listingMatches.length === 0) return 0
  const rules = await db
    .from('watch_rules')
    .whereIn('id', [...new Set(listingMatches.map((match) => match.ruleId))])
    .where('auto_purchase', true)
    .select('id', 'min_quantity', 'max_price_minor')
  if (rules.length === 0) return 0
  const byId = new Map(rules.map((rule) => [rule.id as number, rule]))
  let opened = 0
  for (const match of listingMatches) {
    const rule = byId.get(match.ruleId)
    if (!rule) continue
    const user = await User.find(match.userId)
    if (!user) continue
    const alert = await db.from('alerts').where('dedupe_key', match.dedupeKey).select('id').first()
    try {
      await purchaseService().create(user, {
        listingId: match.listingId,
        quantity: Number(rule.min_quantity),
        maxPriceMinor: rule.max_price_minor ?? match.priceMinor,
        ruleId: match.ruleId,
        alertId: alert ? Number(alert.id) : null,
      })
      opened++
    } catch (error) {
      logger.info(
        { ruleId: match.ruleId, listingId: match.listingId },
        'auto-purchase request not opened: %s',
        (error as Error).message
      )
    }
  }
  return opened
}
