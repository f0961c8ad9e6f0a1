/** Errors of a fail-fast connection while Redis is down or unreachable (answered 503, not 500). */
export function isRedisUnavailable(err: Error): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|LOADING|CLUSTERDOWN|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready/.test(err.message)
  );
}
