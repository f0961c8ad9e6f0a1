import type { Response } from 'express';
import type { Config } from '../config';
import { REASONS } from '../domain/payment';
import type { Operator } from './access';
import { ConsoleSettings, Whoami } from './admin-responses';
import { route, type ApiRoute } from './registry';

// What a signed-in client needs before anything else: who the token is (its name and role, so the
// console shows only the actions that role may take; the API enforces them anyway) and how to
// show money and times (the configured currency and time zone).

export function operatorRoutes(config: Config): ApiRoute[] {
  const tag = 'operators';
  return [
    route({ method: 'get', path: '/v1/whoami', role: 'viewer', tag, summary: "The token's operator: name and role", responses: { 200: { description: 'the operator', schema: Whoami } } }, async (_input, _req, res: Response) => {
      const op = res.locals.operator as Operator;
      res.json({ name: op.name, role: op.role });
    }),
    route({ method: 'get', path: '/v1/console/settings', role: 'viewer', tag, summary: 'How the console shows money and times', responses: { 200: { description: 'the settings', schema: ConsoleSettings } } }, async (_input, _req, res) => {
      res.json({ timeZone: config.console.timeZone ?? config.timezone, locale: config.console.locale, currency: config.currency, minorDigits: config.minorDigits, countryCode: config.countryCode, reasons: REASONS });
    }),
  ];
}
