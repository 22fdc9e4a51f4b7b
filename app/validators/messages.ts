/**
 * Validation messages in the user's words: each field by the label the form
 * shows ("Max price per ticket", not maxPriceMinor), and each limit in the
 * unit the person typed — money in major units (dollars, euros: 1,000,000.00,
 * not 100000000), basis points as a percentage, seconds as minutes. One
 * provider for every validator (web forms and /api/v1 alike), set in
 * start/validator.ts.
 */
import { SimpleMessagesProvider } from '@vinejs/vine'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'

/** Field name (or full path) → the label people see beside it. */
export const FIELD_LABELS: Record<string, string> = {
  'name': 'Name',
  'fullName': 'Full name',
  'email': 'Email',
  'password': 'Password',
  'passwordConfirmation': 'Repeated password',
  'currentPassword': 'Current password',
  'timezone': 'Time zone',
  'timeZone': 'Time zone',
  'abilities': 'Abilities',
  'role': 'Role',
  'eventId': 'Event',
  'listingId': 'Listing',
  'maxPriceMinor': 'Max price per ticket',
  'currency': 'Currency',
  'includeFees': 'Compare with fees',
  'minQuantity': 'Seats together',
  'sections': 'Sections',
  'triggers': 'Tell me when',
  'triggers.*.percent': 'Percentage',
  'triggers.*.days': 'Number of days',
  'triggers.*.count': 'Seats together',
  'triggers.*.belowMinor': 'Price',
  'hysteresisMinor': 'Alert again after a further move of',
  'cooldownSeconds': 'Quiet period',
  'minDealScore': 'Minimum deal score',
  'maxAlertsPerHour': 'Alerts an hour, at most',
  'channels': 'Channels',
  'importance': 'Importance',
  'filters.team': 'Team',
  'filters.league': 'League',
  'filters.venue': 'Venue',
  'filters.from': 'From',
  'filters.to': 'To',
  'filters.platforms': 'Platforms',
  'quantity': 'Number of tickets',
  'reason': 'Reason',
  'unitPriceMinor': 'Price per ticket',
  'feesMinor': 'Fees',
  'purchasedAt': 'Date of purchase',
  'paymentReference': 'Payment reference',
  'perEventMinor': 'Per event',
  'perDayMinor': 'Per day',
  'perMonthMinor': 'Per month',
  'priceDriftBps': 'Price tolerance',
  'platform': 'Platform',
  'username': 'Name of the account',
  'reference': 'Event address or id',
  'url': 'Address (URL)',
}

const MESSAGES: Record<string, string> = {
  'required': '{{ field }} is required',
  'string': '{{ field }} must be text',
  'email': '{{ field }} must be an email address, like name@example.com',
  'regex': '{{ field }} is not in the expected form',
  'url': '{{ field }} must be a web address (https://…)',
  'alpha': '{{ field }} may contain only letters',
  'minLength': '{{ field }} needs at least {{ min }} characters',
  'maxLength': '{{ field }} can be at most {{ max }} characters long',
  'fixedLength': '{{ field }} must be exactly {{ size }} characters',
  'confirmed': 'The two passwords differ: type the same password twice',
  'in': 'Choose one of the offered values for {{ field }}',
  'enum': 'Choose one of the offered values for {{ field }}',
  'boolean': '{{ field }} must be yes or no',
  'number': '{{ field }} must be a number',
  'min': '{{ field }} must be at least {{ min }}',
  'max': '{{ field }} can be at most {{ max }}',
  'range': '{{ field }} must be between {{ min }} and {{ max }}',
  'withoutDecimals': '{{ field }} must be a whole number',
  'decimal': '{{ field }} can have at most {{ digits }} decimals',
  'literal': '{{ field }} is not one of the offered choices',
  'object': '{{ field }} is missing or not in the expected form',
  'array': '{{ field }} must be a list',
  'array.minLength': 'Choose at least {{ min }} for {{ field }}',
  'array.maxLength': 'Choose at most {{ max }} for {{ field }}',
  'distinct': '{{ field }} lists the same value twice',
  'union': '{{ field }} is not one of the offered choices',
  'unionGroup': '{{ field }} is not one of the offered choices',
  'date': '{{ field }} must be a date',
  'database.unique': 'This {{ field }} is already in use',
  'unique': 'This {{ field }} is already in use',
}

/** How a field's unit is shown: money in major units, basis points as %, seconds as minutes. */
function unitOf(name: string): 'money' | 'bps' | 'seconds' | null {
  if (name.endsWith('Minor')) return 'money'
  if (name.endsWith('Bps')) return 'bps'
  if (name.endsWith('Seconds')) return 'seconds'
  return null
}

const major = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const plain = new Intl.NumberFormat('en', { maximumFractionDigits: 2 })

function convert(unit: 'money' | 'bps' | 'seconds', value: unknown) {
  if (typeof value !== 'number') return value
  if (unit === 'money') return major.format(value / 100)
  if (unit === 'bps') return `${plain.format(value / 100)} %`
  return `${plain.format(value / 60)} minutes`
}

const UNIT_MESSAGES: Record<'money' | 'bps' | 'seconds', Record<string, string>> = {
  money: {
    number: '{{ field }} must be an amount, like 150 or 149.99',
    withoutDecimals: '{{ field }} can have at most 2 decimals (cents)',
  },
  bps: {
    number: '{{ field }} must be a percentage, like 5 or 2.5',
    withoutDecimals: '{{ field }} can have at most 2 decimals',
  },
  seconds: {
    number: '{{ field }} must be a number of minutes',
    withoutDecimals: '{{ field }} must be a whole number of minutes',
  },
}

export class FieldMessagesProvider implements MessagesProviderContact {
  #simple = new SimpleMessagesProvider(MESSAGES, FIELD_LABELS)
  #byUnit = {
    money: new SimpleMessagesProvider({ ...MESSAGES, ...UNIT_MESSAGES.money }, FIELD_LABELS),
    bps: new SimpleMessagesProvider({ ...MESSAGES, ...UNIT_MESSAGES.bps }, FIELD_LABELS),
    seconds: new SimpleMessagesProvider({ ...MESSAGES, ...UNIT_MESSAGES.seconds }, FIELD_LABELS),
  }

  getMessage(rawMessage: string, rule: string, field: FieldContext, args?: Record<string, any>) {
    const unit = unitOf(String(field.name))
    if (!unit) return this.#simple.getMessage(rawMessage, rule, field, args)
    const converted = args ? { ...args } : undefined
    if (converted) for (const key of ['min', 'max']) converted[key] = convert(unit, converted[key])
    return this.#byUnit[unit].getMessage(rawMessage, rule, field, converted)
  }
}
