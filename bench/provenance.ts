/**
 * What a benchmark figure was measured on: the commit (and whether the tree
 * had changes) and the machine (CPU model and count, memory, Node).
 */
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'

export function commitAndMachine() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    if (dirty) commit += '+changes'
  } catch {
    /** not a git checkout */
  }
  const cores = cpus()
  return {
    commit,
    machine: `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node}`,
  }
}
