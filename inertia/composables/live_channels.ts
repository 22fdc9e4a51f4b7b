import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Listens to several Transmit (SSE) channels over one connection while the
 * component is mounted — in the browser only. (One EventSource per channel
 * would soon hit the browser's six connections per host.)
 */
export function useChannels<T>(
  channels: () => string[],
  onMessage: (channel: string, message: T) => void
) {
  let stop: (() => void) | null = null
  onMounted(async () => {
    const names = [...new Set(channels())]
    if (!names.length) return
    const { Transmit } = await import('@adonisjs/transmit-client')
    const transmit = new Transmit({ baseUrl: window.location.origin })
    const offs: Array<() => void> = []
    const subscriptions = names.map((name) => transmit.subscription(name))
    await Promise.all(
      subscriptions.map(async (subscription, index) => {
        await subscription.create()
        offs.push(subscription.onMessage<T>((message) => onMessage(names[index], message)))
      })
    )
    stop = () => {
      for (const off of offs) off()
      for (const subscription of subscriptions) subscription.delete().catch(() => {})
      transmit.close()
    }
  })
  onBeforeUnmount(() => stop?.())
}
