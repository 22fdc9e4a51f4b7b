import { PURCHASE_STATES } from '#purchasing/state_machine'
import {
  arr,
  body,
  bool,
  dataOf,
  dateTime,
  enumOf,
  errors,
  input,
  int,
  listParams,
  nullable,
  obj,
  pageOf,
  pathId,
  queryParam,
  ref,
  str,
  type OpenApiModule,
} from '#api/openapi/schema'

const requestProperties = {
  id: int(),
  status: enumOf(PURCHASE_STATES),
  userId: int(),
  eventId: nullable(int()),
  listingId: nullable(int()),
  listingRef: nullable(str()),
  platformId: int(),
  platform: nullable(str()),
  accountId: nullable(int()),
  ruleId: nullable(int()),
  alertId: nullable(int()),
  quantity: int(),
  maxPrice: ref('Money'),
  quotedUnitPrice: nullable(ref('Money')),
  idempotencyKey: nullable(str()),
  priority: nullable(int()),
  attempts: int(),
  approvedBy: nullable(int()),
  approvedAt: nullable(dateTime()),
  reason: nullable(str()),
  failureCode: nullable(str()),
  expiresAt: nullable(dateTime()),
  createdAt: nullable(dateTime()),
  updatedAt: nullable(dateTime()),
}

const module: OpenApiModule = {
  tag: {
    name: 'purchases',
    description: 'Purchase requests: approval-first, placed only through official order APIs',
  },
  schemas: {
    PurchaseRequest: obj(requestProperties),
    PurchaseDetail: obj({
      ...requestProperties,
      order: nullable(ref('Order')),
      history: arr(ref('PurchaseAudit')),
    }),
    Order: obj({
      id: int(),
      purchaseRequestId: nullable(int()),
      eventId: nullable(int()),
      platformId: int(),
      externalOrderId: nullable(str()),
      status: str(),
      source: str(),
      quantity: int(),
      unitPrice: ref('Money'),
      fees: ref('Money'),
      total: ref('Money'),
      paymentReference: nullable(str()),
      placedAt: nullable(dateTime()),
    }),
    PurchaseAudit: obj({
      id: int(),
      actorId: nullable(int()),
      action: str(),
      from: nullable(str()),
      to: nullable(str()),
      reason: nullable(str()),
      at: nullable(dateTime()),
    }),
  },
  paths: {
    '/purchases': {
      get: {
        'summary': 'Purchase requests (scope: mine, awaiting approval, all for managers)',
        'x-abilities': ['read'],
        'parameters': [
          ...listParams(['id', 'createdAt'], '-id'),
          queryParam('scope', enumOf(['mine', 'awaiting', 'all']), 'Whose requests (default mine)'),
          queryParam('status', enumOf(PURCHASE_STATES), 'State'),
          queryParam('eventId', str({ pattern: '^[0-9]+$' }), 'Event id'),
          queryParam('platform', str(), 'Platform slug'),
        ],
        'responses': { '200': pageOf(ref('PurchaseRequest')), ...errors(400, 422) },
      },
      post: {
        'summary': 'Open a purchase request (Idempotency-Key header or body field)',
        'x-abilities': ['purchase'],
        'parameters': [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: str({ pattern: '^[A-Za-z0-9._:-]{1,100}$' }),
          },
        ],
        'requestBody': body(
          input(
            {
              listingId: int({ minimum: 1 }),
              eventId: int({ minimum: 1 }),
              platform: str({ pattern: '^[a-z][a-z0-9_-]{1,39}$' }),
              listingRef: str({ minLength: 1, maxLength: 191 }),
              quantity: int({ minimum: 1, maximum: 100 }),
              maxPriceMinor: int({ minimum: 1, maximum: 100000000 }),
              idempotencyKey: str({ pattern: '^[A-Za-z0-9._:-]{1,100}$' }),
              ruleId: int({ minimum: 1 }),
              alertId: int({ minimum: 1 }),
              draft: bool(),
            },
            ['quantity']
          )
        ),
        'responses': {
          '200': dataOf(ref('PurchaseRequest'), 'Replayed (same idempotency key)'),
          '201': dataOf(ref('PurchaseRequest'), 'Created'),
          ...errors(404, 409, 413, 415, 422),
        },
      },
    },
    '/purchases/{id}': {
      get: {
        'summary': 'One request with its order and history',
        'x-abilities': ['read'],
        'parameters': [pathId()],
        'responses': {
          '200': dataOf(ref('PurchaseDetail')),
          ...errors(404),
        },
      },
    },
    '/purchases/{id}/approve': {
      post: {
        'summary': 'Approve (the requester, or a manager)',
        'x-abilities': ['purchase'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('PurchaseRequest')), ...errors(404, 409, 422) },
      },
    },
    '/purchases/{id}/reject': {
      post: {
        'summary': 'Reject with a reason',
        'x-abilities': ['purchase'],
        'parameters': [pathId()],
        'requestBody': body(input({ reason: str({ minLength: 1, maxLength: 500 }) }, ['reason'])),
        'responses': { '200': dataOf(ref('PurchaseRequest')), ...errors(404, 409, 413, 415, 422) },
      },
    },
    '/purchases/{id}/cancel': {
      post: {
        'summary': 'Cancel before it is placed',
        'x-abilities': ['purchase'],
        'parameters': [pathId()],
        'responses': { '200': dataOf(ref('PurchaseRequest')), ...errors(404, 409, 422) },
      },
    },
  },
}
export default module
