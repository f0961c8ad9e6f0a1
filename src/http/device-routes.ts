import express, { Router, type Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { maskMsisdn } from '../domain/msisdn';
import { DeviceAuthStore } from '../store/device-auth';
import { DeviceKeySealer, provisionDeviceKey } from '../store/device-keys';
import { EnrolmentError, EnrolmentStore } from '../store/enrolment';
import type { AdminDeps } from './admin';
import { adminErrors } from './admin-errors';
import { adminSchemas, parseOr400 } from './admin-schemas';
import { deviceJson, type RefusalRules } from './admin-views';
import { audit, requireRole, type Operator } from './access';

// Operators' actions on a bound device's authentication (README "Security", device MACs): a new
// deviceKey (rotation, or a new PIN; returned once, the old key stops working at once), suspension
// and re-activation (which also forgets the device's refusals). Role operator, each audited.
// Mounted after the admin router, whose authentication covers these paths (ADMIN_PATHS).

export function refusalRules(config: Pick<Config, 'devices'>): RefusalRules {
  return { deviceRefusalLimit: config.devices.refusalLimit, deviceRefusalWindowMs: config.devices.refusalWindowSeconds * 1000 };
}

/** A MAC device's new deviceKey, or a warning in the log when its K is kept unsealed. */
export function newDeviceKey(sealer: DeviceKeySealer, main: string, device: string, pin: string | undefined, log: Logger): { deviceKey: string; sealedKey: string } {
  if (!sealer.sealing) log.warn({ device: maskMsisdn(device) }, 'device key kept unsealed in Redis: set devices.keyEncryptionKey (DEVICE_KEY_ENCRYPTION_KEY)');
  return provisionDeviceKey(sealer, main, device, pin);
}

export function deviceRouter(deps: AdminDeps): Router {
  const { config, log } = deps;
  const enrolment = new EnrolmentStore(deps.redis, deps.keys, deps.scripts);
  const auth = new DeviceAuthStore(deps.keys, deps.scripts);
  const sealer = DeviceKeySealer.fromConfig(config.devices.keyEncryptionKey);
  const rules = refusalRules(config);
  const s = adminSchemas(config);
  const json = express.json({ limit: config.http.bodyLimit, strict: true });
  const operatorOf = (res: Response) => res.locals.operator as Operator;
  const r = Router();

  /** The device as it is now (after the change), or 404 when it is not this subscriber's. */
  const current = async (main: string, device: string) => {
    const sub = await enrolment.getSubscriber(main);
    const found = sub?.devices.find((d) => d.msisdn === device && d.active);
    if (!found) throw new EnrolmentError(sub ? 'NOT_BOUND' : 'NO_SUBSCRIBER');
    return deviceJson(found, rules);
  };

  r.post('/v1/subscribers/:msisdn/devices/:deviceMsisdn/key', requireRole('operator'), json, async (req, res) => {
    const { msisdn, deviceMsisdn } = parseOr400(s.devicePath, req.params, 'path');
    const body = req.body === undefined ? {} : parseOr400(s.deviceKey, req.body, 'body');
    const key = newDeviceKey(sealer, msisdn, deviceMsisdn, body.pin, log);
    await auth.setKey(msisdn, deviceMsisdn, key.sealedKey);
    log.info({ msisdn: maskMsisdn(msisdn), device: maskMsisdn(deviceMsisdn), operator: operatorOf(res).name }, 'device key rotated');
    await audit(res, { action: 'device.rotate_key', target: msisdn, details: { device: deviceMsisdn, withPin: body.pin !== undefined } });
    // The deviceKey is in this answer only; the store keeps K alone.
    res.json({ ...(await current(msisdn, deviceMsisdn)), deviceKey: key.deviceKey });
  });

  for (const [action, suspended] of [['suspend', true], ['activate', false]] as const) {
    r.post(`/v1/subscribers/:msisdn/devices/:deviceMsisdn/${action}`, requireRole('operator'), json, async (req, res) => {
      const { msisdn, deviceMsisdn } = parseOr400(s.devicePath, req.params, 'path');
      if (req.body !== undefined) parseOr400(s.empty, req.body, 'body');
      await auth.setSuspended(msisdn, deviceMsisdn, suspended);
      log.info({ msisdn: maskMsisdn(msisdn), device: maskMsisdn(deviceMsisdn), operator: operatorOf(res).name }, suspended ? 'device suspended' : 'device re-activated');
      await audit(res, { action: `device.${action}`, target: msisdn, details: { device: deviceMsisdn } });
      res.json(await current(msisdn, deviceMsisdn));
    });
  }

  r.use(adminErrors(log, 'device API'));
  return r;
}
