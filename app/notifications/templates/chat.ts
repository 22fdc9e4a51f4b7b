import type { NotificationMessage } from '#notifications/message'
import { messageFacts } from '#notifications/message'
import { truncate } from '#notifications/format'

/**
 * Slack and Discord incoming-webhook payloads. Both show the title, body,
 * the facts (event, section, quantity, price…) and a button/link to the deep
 * link. Text from events and platforms is escaped: no mention or markup
 * injection from an event name.
 */

/** Slack mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

export interface SlackPayload {
  text: string
  blocks: Array<Record<string, unknown>>
}

export function slackPayload(message: NotificationMessage): SlackPayload {
  const marker = message.priority === 'high' ? ':rotating_light: ' : ''
  const facts = messageFacts(message).slice(0, 10)
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(message.title, 150), emoji: true },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`${marker}${escapeSlack(message.body)}`, 3000) },
    },
  ]
  if (message.digest && message.digest.length > 0) {
    const lines = message.digest
      .slice(0, 20)
      .map((item) => `• <${item.link}|${escapeSlack(truncate(item.title, 120))}>`)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) },
    })
  } else if (facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: facts.map(([label, value]) => ({
        type: 'mrkdwn',
        text: truncate(`*${escapeSlack(label)}*\n${escapeSlack(value)}`, 2000),
      })),
    })
  }
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open in HDTickets' },
        url: message.link,
        ...(message.priority === 'high' ? { style: 'primary' } : {}),
      },
    ],
  })
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `HDTickets · ${message.type.replace('_', ' ')} · ${message.priority} priority`,
      },
    ],
  })
  return {
    // `text` is the notification/fallback line Slack shows where blocks are not rendered.
    text: truncate(escapeSlack(`${message.title}: ${message.body}`), 3000),
    blocks,
  }
}

export interface DiscordPayload {
  content: string
  embeds: Array<Record<string, unknown>>
  allowed_mentions: { parse: string[] }
  username?: string
}

const DISCORD_COLOURS = { high: 0xd93025, normal: 0x1a73e8, low: 0x9aa0a6 } as const

/** Discord markdown: escape the characters that format or mention. */
export function escapeDiscord(text: string): string {
  return text
    .replace(/([\\*_~`|[\]])/g, '\\$1')
    .replace(/^(\s*)([>#-])/gm, '$1\\$2')
    .replace(/@/g, '@\u200b')
}

export function discordPayload(message: NotificationMessage): DiscordPayload {
  const facts = messageFacts(message).slice(0, 25)
  const description = message.digest?.length
    ? message.digest
        .slice(0, 20)
        .map((item) => `• [${escapeDiscord(truncate(item.title, 120))}](${item.link})`)
        .join('\n')
    : escapeDiscord(message.body)
  return {
    content: truncate(
      `${message.priority === 'high' ? '🚨 ' : ''}${escapeDiscord(message.title)}`,
      2000
    ),
    embeds: [
      {
        title: truncate(message.title, 256),
        description: truncate(description, 4096),
        url: message.link,
        color: DISCORD_COLOURS[message.priority],
        timestamp: message.createdAt,
        fields: message.digest?.length
          ? []
          : facts.map(([name, value]) => ({
              name: truncate(name, 256),
              value: truncate(value, 1024),
              inline: value.length <= 40,
            })),
        footer: { text: `HDTickets · ${message.type.replace('_', ' ')}` },
      },
    ],
    // No @everyone / role / user pings, whatever an event name contains.
    allowed_mentions: { parse: [] },
    username: 'HDTickets',
  }
}
