/**
 * /api/docs: the OpenAPI document as one self-contained HTML page, rendered
 * on the server (no script, no CDN, works offline): operations by tag, with
 * their abilities, parameters, bodies and responses, and the schemas.
 */
const escape = (text: unknown) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!
  )

const refName = (schema: any): string | null =>
  schema?.$ref ? String(schema.$ref).split('/').pop()! : null

function schemaLink(schema: any): string {
  const name = refName(schema)
  if (name) return `<a href="#schema-${escape(name)}">${escape(name)}</a>`
  return `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`
}

export function renderDocsPage(doc: any): string {
  const sections: string[] = []
  for (const tag of doc.tags as Array<{ name: string; description: string }>) {
    const ops: string[] = []
    for (const [path, methods] of Object.entries(
      doc.paths as Record<string, Record<string, any>>
    )) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.tags?.includes(tag.name)) continue
        const params = (op.parameters ?? [])
          .map((p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p))
          .map(
            (p: any) =>
              `<li><code>${escape(p.name)}</code> <small>${escape(p.in)}</small> — ${escape(p.description ?? '')} <code>${escape(JSON.stringify(p.schema))}</code></li>`
          )
          .join('')
        const bodyContent = op.requestBody?.content ?? {}
        const bodies = Object.entries(bodyContent)
          .map(
            ([type, media]: any) =>
              `<div><small>${escape(type)}</small> ${schemaLink(media.schema)}</div>`
          )
          .join('')
        const responses = Object.entries(op.responses)
          .map(([status, response]: any) => {
            const resolved = response.$ref
              ? doc.components.responses[response.$ref.split('/').pop()]
              : response
            const schema = resolved.content?.['application/json']?.schema
            return `<li><b>${escape(status)}</b> ${escape(resolved.description)} ${schema ? schemaLink(schema) : ''}</li>`
          })
          .join('')
        ops.push(`<article id="${escape(op.operationId)}">
<h3><span class="m ${escape(method)}">${escape(method.toUpperCase())}</span> <code>/api/v1${escape(path)}</code></h3>
<p>${escape(op.summary)}</p>
<p><small>Abilities: ${op['x-abilities'].length ? op['x-abilities'].map((a: string) => `<code>${escape(a)}</code>`).join(' ') : 'none (public)'}</small></p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
${bodies ? `<h4>Body</h4>${bodies}` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</article>`)
      }
    }
    sections.push(
      `<section id="tag-${escape(tag.name)}"><h2>${escape(tag.name)}</h2><p>${escape(tag.description)}</p>${ops.join('\n')}</section>`
    )
  }
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, schema]) =>
        `<article id="schema-${escape(name)}"><h3>${escape(name)}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre></article>`
    )
    .join('\n')
  const nav = (doc.tags as Array<{ name: string }>)
    .map((tag) => `<a href="#tag-${escape(tag.name)}">${escape(tag.name)}</a>`)
    .join(' · ')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(doc.info.title)} ${escape(doc.info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font:13px ui-monospace,monospace;background:#f4f5f7;border-radius:4px}code{padding:0 .25em}pre{padding:.6em;overflow:auto}
article{border-top:1px solid #e3e5e8;padding:.5rem 0}h3{margin:.4rem 0}h4{margin:.4rem 0 .2rem;font-size:.9rem}
.m{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:.1em .3em}
.get{background:#1f6feb}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}
nav{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #e3e5e8}
</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
<nav>${nav} · <a href="#schemas">schemas</a></nav>
${sections.join('\n')}
<section id="schemas"><h2>Schemas</h2>${schemas}</section>
</body></html>`
}
