import env from '#start/env'
import { defineConfig, transports } from '@adonisjs/mail'
import type { InferMailers, MailTransportContract } from '@adonisjs/mail/types'
import type { ConfigProvider } from '@adonisjs/core/types'

/**
 * Mail: SMTP by default (SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USERNAME,
 * SMTP_PASSWORD). MAIL_MAILER picks another transport: ses (needs the
 * @aws-sdk/client-sesv2 package and the usual AWS credentials), resend,
 * postmark, mailgun, brevo (MAIL_API_KEY, MAILGUN_DOMAIN). Only the chosen
 * transport is built, so an install without the AWS SDK never loads it.
 */
const mailer = env.get('MAIL_MAILER', 'smtp')
const port = env.get('SMTP_PORT', 587)
const username = env.get('SMTP_USERNAME')
const apiKey = env.get('MAIL_API_KEY')?.release() ?? ''

export const mailFrom = {
  address: env.get('MAIL_FROM_ADDRESS') ?? `hdtickets@${new URL(env.get('APP_URL')).hostname}`,
  name: env.get('MAIL_FROM_NAME', 'HDTickets'),
}

function selectedMailer(): Record<string, ConfigProvider<() => MailTransportContract>> {
  switch (mailer) {
    case 'ses':
      return { ses: transports.ses({ region: env.get('SES_REGION', 'us-east-1') }) }
    case 'resend':
      return { resend: transports.resend({ key: apiKey, baseUrl: 'https://api.resend.com' }) }
    case 'postmark':
      return {
        postmark: transports.postmark({ key: apiKey, baseUrl: 'https://api.postmarkapp.com' }),
      }
    case 'mailgun':
      return {
        mailgun: transports.mailgun({
          key: apiKey,
          baseUrl: 'https://api.mailgun.net/v3',
          domain: env.get('MAILGUN_DOMAIN', ''),
        }),
      }
    case 'brevo':
      return { brevo: transports.brevo({ key: apiKey, baseUrl: 'https://api.brevo.com/v3' }) }
    default:
      return {
        smtp: transports.smtp({
          host: env.get('SMTP_HOST', '127.0.0.1'),
          port,
          secure: env.get('SMTP_SECURE', port === 465),
          ...(username
            ? {
                auth: {
                  type: 'login' as const,
                  user: username,
                  pass: env.get('SMTP_PASSWORD')?.release() ?? '',
                },
              }
            : {}),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        }),
      }
  }
}

const mailConfig = defineConfig({
  default: mailer,
  from: mailFrom,
  mailers: selectedMailer(),
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
