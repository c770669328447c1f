// Carrier tracking normalisation: per-carrier mapping at the edge, one TrackingEvent model inside.
export {
  CUSTOMS_STATES,
  TRACKING_STAGES,
  TRACKING_STATUSES,
  type CustomsState,
  type TimeBasis,
  type TrackedShipmentInfo,
  type TrackingEvent,
  type TrackingIssue,
  type TrackingLocation,
  type TrackingMapResult,
  type TrackingStage,
  type TrackingStatus,
} from './model';
export {
  isCustomsState,
  isTrackingStage,
  isTrackingStatus,
  reasonFor,
  stageFor,
  statusFor,
  type CarrierRules,
  type KarrioStatusMappings,
  type TrackingTables,
  type TradelaneTrackingRules,
} from './rules';
export { compactDateTime, formatUtcOffset, parseUtcOffset, resolveTime, zoneResolverFromTable, type ZoneResolver } from './time';
export type { MapOptions } from './event';
export { mapUpsTrackAlertEvent, mapUpsTracking } from './ups';
export { mapFedexTracking } from './fedex';
export { mapDhlTracking } from './dhl';
export { mapUspsTracking } from './usps';
export { mapKarrioTracking } from './karrio';
export { map17TrackStatus } from './seventeen-track';
export { CSV_TRACKING_COLUMNS, parseTrackingCsv, type CsvTrackingResult } from './csv';
export { IOT_PLAUSIBLE, findIotExcursions, parseIotReadings, type IotExcursion, type IotIssue, type IotLimits, type IotReading } from './iot';
export { compareEvents, eventKey, foldShipmentState, foldShipmentStates, type ShipmentState } from './fold';
