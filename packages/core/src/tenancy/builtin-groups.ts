import { BASE_PROFILES } from "../auth/permissions";
import { registerTenantGroup } from "./groups";

// The groups this platform ships. Later modules attach their per-group resources
// (asset models, default rules, dashboards) where they register themselves.

registerTenantGroup({
  name: "commons",
  label: "Commons",
  description: "General purpose tenants: buildings, utilities, any measured asset.",
});

registerTenantGroup({
  name: "asset_tracking",
  label: "Asset tracking",
  description: "Fleets of moving assets (containers, trailers, tools) followed by GPS trackers.",
  settings: { assetHistory: true },
  profiles: {
    // dispatchers follow the fleet and handle its alerts, but change nothing else
    dispatcher: [...BASE_PROFILES.viewer, "alerts:write"],
  },
});
