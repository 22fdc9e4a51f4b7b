/** JSON requests outside Inertia (previews) carry the XSRF cookie as a header, like Inertia does. */
export async function postJson<T>(
  url: string,
  body: unknown
): Promise<{ ok: boolean; status: number; data: T }> {
  const token = decodeURIComponent(
    document.cookie
      .split('; ')
      .find((item) => item.startsWith('XSRF-TOKEN='))
      ?.split('=')[1] ?? ''
  )
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'accept': 'application/json',
      'x-xsrf-token': token,
    },
    body: JSON.stringify(body),
  })
  return { ok: response.ok, status: response.status, data: (await response.json()) as T }
}
