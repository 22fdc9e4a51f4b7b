import type { NotificationType } from '#models/notification'
import type { NotificationMessage } from '#notifications/message'
import { messageFacts } from '#notifications/message'
import { escapeHtml } from '#notifications/format'

/**
 * Email templates: an HTML and a plain-text part per type, rendered in
 * TypeScript (no template engine needed at send time, so a worker without
 * the view layer sends the same mail). Each type has its intro line and its
 * button label; every part lists the facts (event, listing, section,
 * quantity, price formatted from minor units) and the deep link.
 */
export interface RenderedEmail {
  subject: string
  html: string
  text: string
}

interface TypeTemplate {
  /** Line above the facts */
  intro: (message: NotificationMessage) => string
  /** The call to action */
  action: string
  /** Colour of the header band */
  accent: string
}

const TEMPLATES: Record<NotificationType, TypeTemplate> = {
  ticket_available: {
    intro: () => 'Tickets matching your watch rule are on sale now. Listings move fast.',
    action: 'See the listing',
    accent: '#0b8043',
  },
  price_alert: {
    intro: () => 'A price you are watching moved past your rule.',
    action: 'See prices',
    accent: '#1a73e8',
  },
  purchase_success: {
    intro: () =>
      'Your order was placed through the platform. Keep this email as your receipt reference.',
    action: 'See the purchase',
    accent: '#0b8043',
  },
  purchase_failed: {
    intro: () => 'A purchase could not be completed. Nothing was charged by HDTickets.',
    action: 'Review the purchase',
    accent: '#d93025',
  },
  account_issue: {
    intro: () => 'One of your linked platform accounts needs your attention.',
    action: 'Open your accounts',
    accent: '#f29900',
  },
  system_alert: {
    intro: () => 'HDTickets raised a system alert.',
    action: 'Open HDTickets',
    accent: '#d93025',
  },
}

export function renderEmail(message: NotificationMessage): RenderedEmail {
  const template = TEMPLATES[message.type]
  const facts = messageFacts(message)
  const digest = message.digest ?? []
  const subjectPrefix = message.priority === 'high' ? '[Urgent] ' : ''
  const subject = `${subjectPrefix}${message.title}`.replace(/[\r\n]+/g, ' ')

  const textLines = [
    message.title,
    '',
    digest.length > 0 ? message.body : template.intro(message),
    ...(digest.length > 0 ? [] : ['', message.body]),
    '',
    ...(digest.length > 0
      ? digest.map((item) => `- ${item.title}\n  ${item.body}\n  ${item.link}`)
      : facts.map(([label, value]) => `${label}: ${value}`)),
    '',
    `${digest.length > 0 ? 'Open HDTickets' : template.action}: ${message.link}`,
    '',
    '--',
    'Sent by HDTickets. Change which notifications you get in Settings → Notifications.',
  ]

  const rows = facts
    .map(
      ([label, value]) =>
        `<tr><td style="padding:4px 12px 4px 0;color:#5f6368;white-space:nowrap;vertical-align:top">${escapeHtml(label)}</td>` +
        `<td style="padding:4px 0;color:#202124;font-weight:600">${escapeHtml(value)}</td></tr>`
    )
    .join('')
  const digestItems = digest
    .map(
      (item) =>
        `<li style="margin:0 0 10px"><a href="${escapeHtml(item.link)}" style="color:#1a73e8;font-weight:600">${escapeHtml(item.title)}</a>` +
        `<br><span style="color:#5f6368">${escapeHtml(item.body)}</span></li>`
    )
    .join('')
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(message.title)}</title></head>
<body style="margin:0;padding:24px;background:#f1f3f4;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="background:${template.accent};padding:16px 24px;color:#ffffff;font-size:18px;font-weight:700">${escapeHtml(message.title)}</td></tr>
<tr><td style="padding:24px">
<p style="margin:0 0 12px;color:#202124">${escapeHtml(digest.length > 0 ? message.body : template.intro(message))}</p>
${digest.length > 0 ? `<ul style="padding-left:18px;margin:0 0 16px">${digestItems}</ul>` : `<p style="margin:0 0 16px;color:#202124">${escapeHtml(message.body)}</p>`}
${rows ? `<table role="presentation" cellspacing="0" cellpadding="0" style="margin:0 0 20px;font-size:14px">${rows}</table>` : ''}
<a href="${escapeHtml(message.link)}" style="display:inline-block;background:${template.accent};color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">${escapeHtml(digest.length > 0 ? 'Open HDTickets' : template.action)}</a>
<p style="margin:16px 0 0;font-size:12px;color:#5f6368">Or copy this link: ${escapeHtml(message.link)}</p>
</td></tr>
<tr><td style="padding:12px 24px;background:#f8f9fa;font-size:12px;color:#5f6368">Sent by HDTickets. Change which notifications you get in Settings → Notifications.</td></tr>
</table>
</body>
</html>`
  return { subject, html, text: textLines.join('\n') }
}
