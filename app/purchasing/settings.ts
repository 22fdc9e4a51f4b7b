/**
 * Purchasing settings from config/purchasing.ts when the deployment has one
 * (see the proposed file in the module notes), else the defaults: requester
 * approval, 24 h request lifetime, 5 attempts, 60 s lease.
 */
import app from '@adonisjs/core/services/app'
import PurchaseService from '#purchasing/purchase_service'
import PurchaseExecutor from '#purchasing/executor'

export interface PurchasingConfig {
  requireManagerApproval?: boolean
  requestTtlMs?: number
  maxAttempts?: number
  leaseMs?: number
  retryBaseMs?: number
}

export function purchasingConfig(): PurchasingConfig {
  return app.config.get<PurchasingConfig | undefined>('purchasing', undefined) ?? {}
}

export function purchaseService(): PurchaseService {
  const config = purchasingConfig()
  return new PurchaseService({
    requireManagerApproval: config.requireManagerApproval,
    requestTtlMs: config.requestTtlMs,
  })
}

export function purchaseExecutor(): PurchaseExecutor {
  const config = purchasingConfig()
  return new PurchaseExecutor({
    maxAttempts: config.maxAttempts,
    leaseMs: config.leaseMs,
    retryBaseMs: config.retryBaseMs,
  })
}
