import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import type { LookupAddress } from 'node:dns'
import { Agent } from 'undici'

/**
 * SSRF guard for user-supplied URLs (event pages, webhooks): http/https only,
 * and every address the host resolves to must be public unless the operator
 * allows it (DESIGN §6).
 */
export class SsrfRefused extends Error {
  readonly url: string
  readonly reason: string
  constructor(url: string, reason: string) {
    super(`URL refused by the SSRF guard: ${reason} (${url})`)
    this.name = 'SsrfRefused'
    this.url = url
    this.reason = reason
  }
}

export interface SsrfGuardOptions {
  /** Allow every private, loopback and link-local target (a trusted lab install) */
  allowPrivate?: boolean
  /** Host names (or literal IPs) an operator allows even when they resolve to private ranges */
  allowedHosts?: string[]
  /** CIDRs an operator allows, e.g. "10.20.0.0/16" or "fd00::/8" */
  allowedCidrs?: string[]
  /** DNS resolver (injectable for tests); defaults to dns.promises.lookup with all: true */
  resolve?: (hostname: string) => Promise<LookupAddress[]>
}

type Family = 'ipv4' | 'ipv6'

const BLOCKED_RANGES: Array<[string, number, Family, string]> = [
  ['0.0.0.0', 8, 'ipv4', '"this network" range 0.0.0.0/8'],
  ['127.0.0.0', 8, 'ipv4', 'loopback address 127.0.0.0/8'],
  ['10.0.0.0', 8, 'ipv4', 'private address 10.0.0.0/8'],
  ['172.16.0.0', 12, 'ipv4', 'private address 172.16.0.0/12'],
  ['192.168.0.0', 16, 'ipv4', 'private address 192.168.0.0/16'],
  ['169.254.0.0', 16, 'ipv4', 'link-local address 169.254.0.0/16 (cloud metadata lives here)'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT address 100.64.0.0/10'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignment 192.0.0.0/24'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking range 198.18.0.0/15'],
  ['224.0.0.0', 4, 'ipv4', 'multicast address 224.0.0.0/4'],
  ['240.0.0.0', 4, 'ipv4', 'reserved address 240.0.0.0/4'],
  ['::', 128, 'ipv6', 'unspecified address ::'],
  ['::1', 128, 'ipv6', 'loopback address ::1'],
  ['fc00::', 7, 'ipv6', 'unique-local (private) address fc00::/7'],
  ['fe80::', 10, 'ipv6', 'link-local address fe80::/10'],
  ['ff00::', 8, 'ipv6', 'multicast address ff00::/8'],
]

export class SsrfGuard {
  readonly #ranges: Array<{ list: BlockList; reason: string }>
  readonly #allowedCidrs = new BlockList()
  readonly #allowedHosts: Set<string>
  readonly #allowPrivate: boolean
  readonly #resolve: (hostname: string) => Promise<LookupAddress[]>

  constructor(options: SsrfGuardOptions = {}) {
    this.#allowPrivate = options.allowPrivate ?? false
    this.#allowedHosts = new Set(
      (options.allowedHosts ?? []).map((host) => stripBrackets(host.toLowerCase()))
    )
    for (const cidr of options.allowedCidrs ?? []) {
      const [address, prefix] = cidr.split('/')
      const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null
      if (!family || prefix === undefined || !/^\d+$/.test(prefix))
        throw new Error(`invalid CIDR in the SSRF allow-list: "${cidr}"`)
      this.#allowedCidrs.addSubnet(address, Number(prefix), family)
    }
    this.#ranges = BLOCKED_RANGES.map(([address, prefix, family, reason]) => {
      const list = new BlockList()
      list.addSubnet(address, prefix, family)
      return { list, reason }
    })
    this.#resolve =
      options.resolve ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }))
  }

  /** Why an address may not be reached, or null when it may. */
  blockedReason(address: string): string | null {
    const family = isIP(address)
    if (family === 0) return `not an IP address: ${address}`
    const embedded = family === 6 ? embeddedIpv4(address) : null
    if (embedded) {
      const reason = this.blockedReason(embedded)
      return reason ? `IPv4-mapped ${reason}` : null
    }
    const type: Family = family === 6 ? 'ipv6' : 'ipv4'
    if (this.#allowPrivate || this.#allowedCidrs.check(address, type)) return null
    for (const range of this.#ranges) {
      if (range.list.check(address, type)) return range.reason
    }
    return null
  }

  /** Checks scheme and every resolved address; returns the parsed URL and addresses. */
  async check(input: string | URL): Promise<{ url: URL; addresses: string[] }> {
    let url: URL
    try {
      url = new URL(String(input))
    } catch {
      throw new SsrfRefused(String(input), 'not a valid URL')
    }
    const shown = `${url.protocol}//${url.host}${url.pathname}`
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SsrfRefused(
        shown,
        `scheme ${url.protocol.replace(':', '')} is not allowed (http and https only)`
      )
    }
    if (url.username || url.password)
      throw new SsrfRefused(shown, 'URLs with embedded credentials are not allowed')
    const host = stripBrackets(url.hostname.toLowerCase())
    if (this.#allowedHosts.has(host)) return { url, addresses: [] }

    let addresses: string[]
    if (isIP(host)) {
      addresses = [host]
    } else {
      try {
        addresses = (await this.#resolve(host)).map((entry) => entry.address)
      } catch (error) {
        throw new SsrfRefused(
          shown,
          `host ${host} does not resolve (${(error as { code?: string }).code ?? 'DNS error'})`
        )
      }
      if (addresses.length === 0) throw new SsrfRefused(shown, `host ${host} does not resolve`)
    }
    for (const address of addresses) {
      const reason = this.blockedReason(address)
      if (reason) {
        const via = address === host ? '' : ` (${host} resolves to ${address})`
        throw new SsrfRefused(shown, `target is a ${reason}${via}`)
      }
    }
    return { url, addresses }
  }

  /**
   * A `lookup` for net.connect that refuses blocked addresses at connect time,
   * so a DNS answer that changes between check() and connect (rebinding)
   * cannot reach a private target.
   */
  readonly lookup = (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number
    ) => void
  ): void => {
    const host = stripBrackets(hostname.toLowerCase())
    const allowedByName = this.#allowedHosts.has(host)
    const resolved = isIP(host)
      ? Promise.resolve([{ address: host, family: isIP(host) }])
      : this.#resolve(host)
    resolved.then(
      (entries) => {
        const wanted =
          options.family === 4 || options.family === 'IPv4'
            ? 4
            : options.family === 6 || options.family === 'IPv6'
              ? 6
              : 0
        const usable = entries.filter((entry) => wanted === 0 || entry.family === wanted)
        for (const entry of usable) {
          const reason = allowedByName ? null : this.blockedReason(entry.address)
          if (reason) {
            const error: NodeJS.ErrnoException = new SsrfRefused(hostname, `target is a ${reason}`)
            error.code = 'E_SSRF_REFUSED'
            callback(error, '')
            return
          }
        }
        if (usable.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`no address for ${hostname}`)
          error.code = 'ENOTFOUND'
          callback(error, '')
          return
        }
        if (options.all) callback(null, usable)
        else callback(null, usable[0].address, usable[0].family)
      },
      (error: NodeJS.ErrnoException) => callback(error, '')
    )
  }

  /** An undici dispatcher whose every connection goes through `lookup` above. */
  createDispatcher(options: { connectTimeoutMs?: number; readTimeoutMs?: number } = {}): Agent {
    return new Agent({
      connect: { lookup: this.lookup, timeout: options.connectTimeoutMs ?? 5_000 },
      headersTimeout: options.readTimeoutMs ?? 15_000,
      bodyTimeout: options.readTimeoutMs ?? 15_000,
    })
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** IPv4 inside IPv6: ::ffff:a.b.c.d / ::ffff:7f00:1 (mapped), 64:ff9b::/96 (NAT64), ::a.b.c.d (compatible). */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address)
  if (!groups) return null
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff
  const isNat64 =
    groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)
  const isCompatible =
    groups.slice(0, 6).every((g) => g === 0) && (groups[6] !== 0 || groups[7] > 1)
  if (!isMapped && !isNat64 && !isCompatible) return null
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.')
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0]
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const parts = dotted[1].split('.').map(Number)
    text =
      text.slice(0, -dotted[1].length) +
      `${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`
  }
  const [head, tail] = text.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail !== undefined && tail !== '' ? tail.split(':') : []
  const missing = 8 - headGroups.length - tailGroups.length
  if (tail === undefined && headGroups.length !== 8) return null
  const groups = [
    ...headGroups,
    ...Array(tail === undefined ? 0 : missing).fill('0'),
    ...tailGroups,
  ].map((g) => Number.parseInt(g, 16))
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null
}
