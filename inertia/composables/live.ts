import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Listens to a Transmit (SSE) channel while the component is mounted —
 * in the browser only (nothing runs during server-side rendering).
 */
export function useChannel<T>(channel: () => string, onMessage: (message: T) => void) {
  let stop: (() => void) | null = null
  onMounted(async () => {
    const { Transmit } = await import('@adonisjs/transmit-client')
    const transmit = new Transmit({ baseUrl: window.location.origin })
    const subscription = transmit.subscription(channel())
    await subscription.create()
    const off = subscription.onMessage<T>(onMessage)
    stop = () => {
      off()
      subscription.delete().catch(() => {})
      transmit.close()
    }
  })
  onBeforeUnmount(() => stop?.())
}
