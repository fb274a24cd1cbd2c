/**
 * A small HTML form reader for the security suites: finds the POST forms of a page and their fields,
 * so every text field of every form (including those of modules that land later) can be filled
 * with a payload without the suite knowing the form.
 */
export interface FormField {
  name: string
  kind:
    'text' | 'textarea' | 'hidden' | 'password' | 'select' | 'checkbox' | 'radio' | 'file' | 'date' | 'other'
  value: string
  options: string[]
}

export interface HtmlForm {
  action: string
  multipart: boolean
  fields: FormField[]
}

const attr = (tag: string, name: string) =>
  new RegExp(`\\s${name}="([^"]*)"`, 'i')
    .exec(tag)?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&#34;|&quot;/g, '"')

export function postForms(html: string, pagePath: string): HtmlForm[] {
  const forms: HtmlForm[] = []
  for (const [formHtml] of html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/gi)) {
    const open = /<form\b[^>]*>/i.exec(formHtml)![0]
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') continue
    const fields = new Map<string, FormField>()
    for (const [tag] of formHtml.matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(tag, 'name')
      if (!name) continue
      const type = (attr(tag, 'type') ?? 'text').toLowerCase()
      const kind: FormField['kind'] = [
        'text',
        'hidden',
        'password',
        'checkbox',
        'radio',
        'file',
        'date',
      ].includes(type)
        ? (type as FormField['kind'])
        : type === 'email' || type === 'search' || type === 'tel'
          ? 'text'
          : 'other'
      const existing = fields.get(name)
      if (existing) existing.options.push(attr(tag, 'value') ?? '')
      else
        fields.set(name, { name, kind, value: attr(tag, 'value') ?? '', options: [attr(tag, 'value') ?? ''] })
    }
    for (const [tag, , body] of formHtml.matchAll(/(<textarea\b[^>]*>)([\s\S]*?)<\/textarea>/gi)) {
      const name = attr(tag, 'name')
      if (name) fields.set(name, { name, kind: 'textarea', value: body ?? '', options: [] })
    }
    for (const [, tag, body] of formHtml.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select>/gi)) {
      const name = attr(tag!, 'name')
      if (!name) continue
      const options = [...body!.matchAll(/<option\b[^>]*value="([^"]*)"/gi)].map((m) => m[1]!)
      fields.set(name, { name, kind: 'select', value: options.find((o) => o !== '') ?? '', options })
    }
    forms.push({
      action: attr(open, 'action') || pagePath,
      multipart: /multipart\/form-data/i.test(attr(open, 'enctype') ?? ''),
      fields: [...fields.values()],
    })
  }
  return forms
}

/** Names of the fields the page marks as wrong (error summary links `#field`). */
export function errorFields(html: string): string[] {
  const summary = /<div class="error-summary[\s\S]*?<\/ul>/.exec(html)?.[0] ?? ''
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!.replace(/-(day|month|year)$/, ''))
}

export const textKinds = new Set<FormField['kind']>(['text', 'textarea'])
