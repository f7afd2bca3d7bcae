import { BASE_PROFILES } from "../auth/permissions";
import { registerTenantGroup } from "./groups";

// The groups this platform ships. Later modules attach their per-group resources
// (asset models, default rules, dashboards) where they register themselves.

registerTenantGroup({
  name: "commons",
  label: "Commons",
  description: "General purpose tenants: buildings, utilities, any measured asset.",
  assetModels: [
    {
      model: "Room",
      measures: [
        { name: "temperature", type: "temperature" },
        { name: "humidity", type: "humidity" },
        { name: "co2", type: "co2" },
      ],
      metadataMappings: { building: { type: "keyword" }, floor: { type: "integer" }, area: { type: "float" } },
      metadataDetails: {
        building: { locales: { en: { friendlyName: "Building" }, fr: { friendlyName: "Bâtiment" } } },
        floor: { locales: { en: { friendlyName: "Floor" }, fr: { friendlyName: "Étage" } } },
        area: { locales: { en: { friendlyName: "Area (m²)" }, fr: { friendlyName: "Surface (m²)" } } },
      },
    },
    {
      model: "Meter",
      measures: [{ name: "power", type: "power" }],
      metadataMappings: { circuit: { type: "keyword" }, installedAt: { type: "date" } },
      metadataDetails: { installedAt: { editorHint: { type: "datetime", date: true, time: false } } },
    },
  ],
  defaultAssets: [{ model: "Room", reference: "lobby", metadata: { floor: 0 } }],
});

registerTenantGroup({
  name: "asset_tracking",
  label: "Asset tracking",
  description: "Fleets of moving assets (containers, trailers, tools) followed by GPS trackers.",
  settings: { assetHistory: true },
  assetModels: [
    {
      model: "Container",
      measures: [
        { name: "position", type: "position" },
        { name: "temperature", type: "temperature" },
        { name: "movement", type: "movement" },
      ],
      metadataMappings: {
        owner: { type: "keyword" },
        size: { type: "keyword" },
        capacity: { type: "float" },
        home: { type: "geopoint" },
      },
      metadataDetails: {
        size: { editorHint: { type: "optionsList", values: ["20ft", "40ft", "45ft"] } },
        capacity: { locales: { en: { friendlyName: "Capacity (m³)" }, fr: { friendlyName: "Capacité (m³)" } } },
      },
    },
    {
      model: "Trailer",
      measures: [
        { name: "position", type: "position" },
        { name: "battery", type: "battery" },
      ],
      metadataMappings: { plate: { type: "keyword", required: true }, axles: { type: "integer" } },
      defaultMetadata: { axles: 2 },
    },
  ],
  profiles: {
    // dispatchers follow the fleet and handle its alerts, but change nothing else
    dispatcher: [...BASE_PROFILES.viewer, "alerts:write"],
  },
});
