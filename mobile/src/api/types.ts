// Names for the generated OpenAPI types (schema.gen.ts); nothing here is typed by hand.
import type { components } from './schema.gen';

type Schemas = components['schemas'];

export type Health = Schemas['HealthOut'];
export type Meter = Schemas['MeterOut'];
export type PowerNow = Schemas['PowerNowOut'];
export type MeterPower = Schemas['MeterPowerOut'];
export type Phase = Schemas['PhaseOut'];
export type PowerDay = Schemas['PowerDayOut'];
export type PowerBucket = Schemas['PowerBucketOut'];
export type Energy = Schemas['EnergyOut'];
export type EnergyBucket = Schemas['BucketOut'];
export type Flows = Schemas['FlowsOut'];
/** `money` of totals and buckets (null: no tariff); amounts incl. VAT, rounded to 0.0001. */
export type Money = Schemas['MoneyOut'];
/** GET /prices and its settlement periods (15 or 60 minutes). */
export type Prices = Schemas['PricesOut'];
export type PricePeriod = Schemas['PricePeriodOut'];
export type EnergyPeriod = Energy['period'];
/** RFC 9457 problem details, the body of every 4xx/5xx. */
export type Problem = Schemas['Problem'];
export type Site = Schemas['SiteOut'];
