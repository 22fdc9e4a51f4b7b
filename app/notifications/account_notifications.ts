import { hdtickets } from '#config/app'
import { buildAccountIssue } from '#notifications/message'
import { createNotifications } from '#notifications/create_notifications'

/** A linked platform account whose credential the platform now rejects. */
export async function notifyAccountRejected(
  input: { userId: number; accountId: number; platform: string; reason: string | null },
  now = new Date()
) {
  const message = buildAccountIssue(
    {
      platform: input.platform,
      accountId: input.accountId,
      issue: `${input.platform} rejected the stored credential${input.reason ? ` (${input.reason.slice(0, 200)})` : ''}`,
      action: 'Re-enter your credential under Accounts',
    },
    { appUrl: hdtickets.url, now }
  )
  return createNotifications([{ userId: input.userId, message }], { now })
}
