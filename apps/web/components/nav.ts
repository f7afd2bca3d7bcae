// The console's areas. Those of later releases are listed so the navigation keeps its
// shape; they are shown as coming, not as empty pages.
export interface NavItem {
  label: string;
  href: string;
  /** Shown when the current tenant grants this permission (platform-only items: null). */
  permission: string | null;
  platformOnly?: boolean;
  ready: boolean;
  /** A live count beside the label. */
  badge?: "alerts";
}

export const NAV: { section: string; items: NavItem[] }[] = [
  { section: "", items: [{ label: "Overview", href: "/", permission: null, ready: true }] },
  {
    section: "Device Manager",
    items: [
      { label: "Devices", href: "/devices", permission: "devices:read", ready: true },
      { label: "Assets", href: "/assets", permission: "assets:read", ready: true },
      { label: "Asset groups", href: "/asset-groups", permission: "assets:read", ready: true },
      { label: "Models", href: "/models", permission: "models:read", ready: true },
      { label: "Payloads", href: "/payloads", permission: "payloads:read", ready: true },
    ],
  },
  {
    section: "Automation",
    items: [
      { label: "Rules", href: "/rules", permission: "rules:read", ready: true },
      { label: "Alerts", href: "/alerts", permission: "alerts:read", ready: true, badge: "alerts" },
      { label: "Schedules", href: "/schedules", permission: "schedules:read", ready: true },
    ],
  },
  { section: "Dashboards", items: [{ label: "Dashboards", href: "/dashboards", permission: "dashboards:read", ready: true }] },
  {
    section: "Administration",
    items: [
      { label: "Users", href: "/admin/users", permission: "users:read", ready: true },
      { label: "Audit log", href: "/admin/audit", permission: "audit:read", ready: true },
      { label: "Tenants", href: "/admin/tenants", permission: null, platformOnly: true, ready: true },
      { label: "System", href: "/admin/system", permission: null, platformOnly: true, ready: true },
      { label: "API keys", href: "/account", permission: null, ready: true },
    ],
  },
];
