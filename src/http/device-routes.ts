import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { maskMsisdn } from '../domain/msisdn';
import { DeviceAuthStore } from '../store/device-auth';
import { DeviceKeySealer, provisionDeviceKey } from '../store/device-keys';
import { EnrolmentError, EnrolmentStore } from '../store/enrolment';
import type { AdminDeps } from './admin-deps';
import { adminSchemas } from './admin-schemas';
import { deviceJson, type RefusalRules } from './admin-views';
import { Device, DeviceWithKey } from './admin-responses';
import { audit, type Operator } from './access';
import { route, type ApiRoute } from './registry';

// Operators' actions on a bound device's authentication (README "Security", device MACs): a new
// deviceKey (rotation, or a new PIN; returned once, the old key stops working at once), suspension
// and re-activation (which also forgets the device's refusals). Role operator, each audited.
// Registry routes (registry.ts), listed with the admin router's (admin.ts adminRoutes).

export function refusalRules(config: Pick<Config, 'devices'>): RefusalRules {
  return { deviceRefusalLimit: config.devices.refusalLimit, deviceRefusalWindowMs: config.devices.refusalWindowSeconds * 1000 };
}

/** A MAC device's new deviceKey, or a warning in the log when its K is kept unsealed. */
export function newDeviceKey(sealer: DeviceKeySealer, main: string, device: string, pin: string | undefined, log: Logger): { deviceKey: string; sealedKey: string } {
  if (!sealer.sealing) log.warn({ device: maskMsisdn(device) }, 'device key kept unsealed in Redis: set devices.keyEncryptionKey (DEVICE_KEY_ENCRYPTION_KEY)');
  return provisionDeviceKey(sealer, main, device, pin);
}

export function deviceRoutes(deps: AdminDeps): ApiRoute[] {
  const { config, log } = deps;
  const enrolment = new EnrolmentStore(deps.redis, deps.keys, deps.scripts);
  const auth = new DeviceAuthStore(deps.keys, deps.scripts);
  const sealer = DeviceKeySealer.fromConfig(config.devices.keyEncryptionKey);
  const rules = refusalRules(config);
  const s = adminSchemas(config);
  const operatorOf = (res: Response) => res.locals.operator as Operator;
  const tag = 'devices';
  const notFound = { 404: { description: 'no such subscriber, or the device is not bound to her' } };

  /** The device as it is now (after the change), or 404 when it is not this subscriber's. */
  const current = async (main: string, device: string) => {
    const sub = await enrolment.getSubscriber(main);
    const found = sub?.devices.find((d) => d.msisdn === device && d.active);
    if (!found) throw new EnrolmentError(sub ? 'NOT_BOUND' : 'NO_SUBSCRIBER');
    return deviceJson(found, rules);
  };

  const suspension = (action: 'suspend' | 'activate', suspended: boolean): ApiRoute =>
    route(
      {
        method: 'post',
        path: `/v1/subscribers/:msisdn/devices/:deviceMsisdn/${action}`,
        role: 'operator',
        tag,
        summary: suspended ? 'Suspend a device: its messages move no money until it is re-activated' : 'Re-activate a device, forgetting its refusals',
        params: s.devicePath,
        body: s.empty,
        bodyRequired: false,
        responses: { 200: { description: 'the device now', schema: Device }, ...notFound },
      },
      async ({ params }, _req, res) => {
        await auth.setSuspended(params.msisdn, params.deviceMsisdn, suspended);
        log.info({ msisdn: maskMsisdn(params.msisdn), device: maskMsisdn(params.deviceMsisdn), operator: operatorOf(res).name }, suspended ? 'device suspended' : 'device re-activated');
        await audit(res, { action: `device.${action}`, target: params.msisdn, details: { device: params.deviceMsisdn } });
        res.json(await current(params.msisdn, params.deviceMsisdn));
      },
    );

  return [
    route(
      {
        method: 'post',
        path: '/v1/subscribers/:msisdn/devices/:deviceMsisdn/key',
        role: 'operator',
        tag,
        summary: "A new deviceKey (rotation, or a new PIN); the old key stops working at once",
        description: 'Without `pin` the device has no PIN. The deviceKey is in this answer only; the counter starts again from 0.',
        params: s.devicePath,
        body: s.deviceKey,
        bodyRequired: false,
        responses: { 200: { description: 'the device with its new deviceKey', schema: DeviceWithKey }, ...notFound },
      },
      async ({ params, body }, _req, res) => {
        const key = newDeviceKey(sealer, params.msisdn, params.deviceMsisdn, body?.pin, log);
        await auth.setKey(params.msisdn, params.deviceMsisdn, key.sealedKey);
        log.info({ msisdn: maskMsisdn(params.msisdn), device: maskMsisdn(params.deviceMsisdn), operator: operatorOf(res).name }, 'device key rotated');
        await audit(res, { action: 'device.rotate_key', target: params.msisdn, details: { device: params.deviceMsisdn, withPin: body?.pin !== undefined } });
        // The deviceKey is in this answer only; the store keeps K alone.
        res.json({ ...(await current(params.msisdn, params.deviceMsisdn)), deviceKey: key.deviceKey });
      },
    ),
    suspension('suspend', true),
    suspension('activate', false),
  ];
}
