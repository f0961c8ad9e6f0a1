import type { Logger } from 'pino';
import type { Config } from '../config';
import { maskMsisdn } from '../domain/msisdn';
import { metrics } from '../metrics';

export type SimSwapResult = 'swapped' | 'not_swapped' | 'unavailable';

/** Asks the operator whether a SIM was swapped recently; undefined when no check is configured. */
export type SimSwapCheck = (msisdn: string) => Promise<SimSwapResult | undefined>;

/**
 * The operator's SIM-swap check in the style of the GSMA Open Gateway / CAMARA "SIM Swap" API:
 * `POST {url}/check` `{"phoneNumber": "+<E.164>", "maxAge": <hours>}` with a bearer token →
 * `{"swapped": true|false}`. No answer within timeoutMs, a non-2xx status or another body count as
 * unavailable; `onUnavailable` says whether that refuses the request (the default) or lets it
 * through (then the result is undefined, as if no check were configured).
 */
export function createSimSwapCheck(config: Config['simSwap'], log: Logger): SimSwapCheck {
  if (!config.url) return async () => undefined;
  const endpoint = `${config.url.replace(/\/+$/, '')}/check`;
  return async (msisdn) => {
    const started = Date.now();
    let result: SimSwapResult = 'unavailable';
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(config.token ? { authorization: `Bearer ${config.token}` } : {}) },
        body: JSON.stringify({ phoneNumber: `+${msisdn}`, maxAge: config.maxAgeHours }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const body = (await res.json().catch(() => null)) as { swapped?: unknown } | null;
      if (res.ok && typeof body?.swapped === 'boolean') result = body.swapped ? 'swapped' : 'not_swapped';
      else log.warn({ status: res.status, msisdn: maskMsisdn(msisdn) }, 'SIM-swap check answered without a verdict');
    } catch (err) {
      log.warn({ err: (err as Error).message, msisdn: maskMsisdn(msisdn) }, 'SIM-swap check unavailable');
    }
    metrics.simSwapChecks.inc({ result });
    metrics.simSwapCheckSeconds.observe((Date.now() - started) / 1000);
    if (result === 'unavailable' && config.onUnavailable === 'allow') return undefined;
    return result;
  };
}
