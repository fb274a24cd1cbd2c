import crypto from 'node:crypto'

/** AES-256-GCM for small secrets kept in the database (TOTP seeds), keyed from outside the database. */
export function sealer(keyMaterial: string) {
  const key = crypto.createHash('sha256').update(keyMaterial).digest()
  return {
    seal(plain: string): string {
      const iv = crypto.randomBytes(12)
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return [
        'v1',
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        body.toString('base64'),
      ].join('.')
    },
    open(sealed: string): string {
      const [v, iv, tag, body] = sealed.split('.')
      if (v !== 'v1' || !iv || !tag || !body) throw new Error('unknown sealed format')
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8')
    },
  }
}
