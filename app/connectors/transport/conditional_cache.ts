export interface CachedResponse {
  etag: string | null
  lastModified: string | null
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** Small LRU of validators + bodies per URL, for ETag / If-Modified-Since. */
export class ConditionalCache {
  readonly #entries = new Map<string, CachedResponse>()
  readonly #maxEntries: number
  readonly #maxBodyBytes: number

  constructor(options: { maxEntries?: number; maxBodyBytes?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 256
    this.#maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key)
    if (entry) {
      this.#entries.delete(key)
      this.#entries.set(key, entry)
    }
    return entry
  }

  /** Stores a 200 answer that carries a validator; others are dropped. */
  store(key: string, response: Omit<CachedResponse, 'etag' | 'lastModified'>): void {
    const etag = response.headers['etag'] ?? null
    const lastModified = response.headers['last-modified'] ?? null
    if ((!etag && !lastModified) || response.body.length > this.#maxBodyBytes) {
      this.#entries.delete(key)
      return
    }
    this.#entries.delete(key)
    this.#entries.set(key, { ...response, etag, lastModified })
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  validatorHeaders(key: string): Record<string, string> {
    const entry = this.#entries.get(key)
    if (!entry) return {}
    const headers: Record<string, string> = {}
    if (entry.etag) headers['if-none-match'] = entry.etag
    if (entry.lastModified) headers['if-modified-since'] = entry.lastModified
    return headers
  }
}
