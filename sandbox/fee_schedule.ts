/**
 * The sandbox exchange's buyer charges (pure), modelled on how a broker
 * exchange prices a checkout: a service fee per ticket (a share of the ticket
 * price with a floor), sales tax of the venue's state or province on ticket
 * plus fee, and a delivery charge per order that depends on the ticket format
 * (physical tickets ship by FedEx; mobile transfers are free; e-tickets carry
 * a small processing charge). The exchange renders these beside each listing
 * (`service_fee`, `tax`, `shipping`, `delivery_type`), in the words of an
 * order body, so the connector reads them as it would from a platform.
 *
 * Money is integer cents.
 */
export const SERVICE_FEE_RATE = 0.18
export const SERVICE_FEE_MIN_CENTS = 350

/** Sales tax on tickets by venue region (invented, of the right order); absent = none */
export const TAX_RATES: Readonly<Record<string, number>> = {
  AZ: 0.056,
  CA: 0.0725,
  CO: 0.029,
  GA: 0.04,
  IL: 0.0625,
  MA: 0.0625,
  MO: 0.04225,
  NJ: 0.06625,
  NV: 0.0685,
  NY: 0.04,
  PA: 0.06,
  TX: 0.0625,
  WA: 0.065,
  WI: 0.05,
  ON: 0.13,
  QC: 0.14975,
  AB: 0.05,
}

export const DELIVERY: Readonly<Record<string, { type: string; cents: number }>> = {
  Physical: { type: 'FedEx', cents: 1_950 },
  Eticket: { type: 'Eticket', cents: 250 },
  TM_mobile: { type: 'TMMobile', cents: 0 },
  Flash_seats: { type: 'FlashSeats', cents: 0 },
}

export interface BuyerCharges {
  /** Per ticket */
  serviceFeeCents: number
  /** Per ticket, on ticket + service fee */
  taxCents: number
  /** Per order */
  shippingCents: number
  deliveryType: string
}

export function buyerCharges(retailCents: number, format: string, region: string): BuyerCharges {
  const serviceFeeCents = Math.max(
    SERVICE_FEE_MIN_CENTS,
    Math.round(retailCents * SERVICE_FEE_RATE)
  )
  const rate = TAX_RATES[region] ?? 0
  const taxCents = Math.round((retailCents + serviceFeeCents) * rate)
  const delivery = DELIVERY[format] ?? DELIVERY.Eticket
  return { serviceFeeCents, taxCents, shippingCents: delivery.cents, deliveryType: delivery.type }
}
