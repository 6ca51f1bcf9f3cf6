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
export type EnergyPeriod = Energy['period'];
/** RFC 9457 problem details, the body of every 4xx/5xx. */
export type Problem = Schemas['Problem'];
export type Site = Schemas['SiteOut'];
