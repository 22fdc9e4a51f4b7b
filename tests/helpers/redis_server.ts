/**
 * A Redis server of the test's own: the one the scaled benchmark starts too
 * (bench/processes.ts).
 */
export { RedisServer, freePort, redisServerBinary } from '#bench/processes'
