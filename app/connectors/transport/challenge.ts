/**
 * Detects challenge pages, CAPTCHAs, bot checks and login walls. Detection
 * only: HDTickets never solves or evades them (DESIGN §1). The caller turns a
 * hit into `SourceBlocked` and the source is paused for an operator.
 */
const CHALLENGE_MARKERS: Array<[RegExp, string]> = [
  [/px-captcha|perimeterx|_pxCaptcha|captcha\.px-cdn/i, 'PerimeterX CAPTCHA page'],
  [/cf-challenge|challenge-platform|cf_chl_|cf-turnstile|__cf_chl/i, 'Cloudflare challenge page'],
  [
    /<title>\s*just a moment\.\.\.\s*<\/title>|attention required! \| cloudflare/i,
    'Cloudflare challenge page',
  ],
  [/_incapsula_resource|incapsula incident/i, 'Imperva/Incapsula bot check'],
  [/datadome|captcha-delivery\.com/i, 'DataDome bot check'],
  [/g-recaptcha|hcaptcha|h-captcha|recaptcha\/api|captcha/i, 'CAPTCHA page'],
  [
    /verify (that )?you are (a )?human|are you a robot|not a robot|unusual traffic/i,
    'human-verification page',
  ],
  [
    /<title>\s*access denied\s*<\/title>|<h1>\s*access denied\s*<\/h1>|access to this page has been denied/i,
    'access denied page',
  ],
]

const LOGIN_MARKERS = [
  /<input[^>]+type\s*=\s*["']?password/i,
  /<form[^>]+(action|id|class|name)\s*=\s*["'][^"']*(login|signin|sign-in|log-in)/i,
]

export function detectChallenge(text: string, headers: Record<string, string> = {}): string | null {
  if ((headers['cf-mitigated'] ?? '').toLowerCase() === 'challenge')
    return 'Cloudflare challenge (cf-mitigated)'
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text
  for (const [pattern, reason] of CHALLENGE_MARKERS) {
    if (pattern.test(sample)) return reason
  }
  return null
}

export function detectLoginWall(html: string): string | null {
  return LOGIN_MARKERS.some((pattern) => pattern.test(html))
    ? 'login wall (sign-in form instead of content)'
    : null
}

export function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  if (contentType && /text\/html|application\/xhtml/i.test(contentType)) return true
  const head = text.trimStart().slice(0, 64).toLowerCase()
  return head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<')
}
