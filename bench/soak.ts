import type { Knex } from 'knex'

export interface SoakOptions {
  url: string
  knex: Knex
  workDir: string
  password: string
  seconds: number
  poolMax: number
  nodeBin?: string
  say(m: string): void
}

export async function runSoak(opts: SoakOptions): Promise<boolean> {
  opts.say('soak: not built yet')
  return false
}
