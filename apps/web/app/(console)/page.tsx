"use client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { Badge, Card, PageHeader } from "@/components/ui/surface";
import { useTRPC } from "@/lib/trpc";

export default function OverviewPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const tenant = me.data?.currentTenant;
  return (
    <>
      <PageHeader
        title={`Welcome, ${me.data?.user.name ?? ""}`}
        description={
          tenant ? `You are working in ${tenant.name}.` : "You are working on the platform: tenants, users and the audit trail."
        }
      />
      <div className="grid gap-4 md:grid-cols-2">
        <Card className="p-5">
          <h2 className="text-sm font-semibold">Your access</h2>
          {tenant ? (
            <div className="mt-3 space-y-2 text-sm">
              <p>
                Tenant <strong>{tenant.name}</strong> <Badge>{tenant.group}</Badge>
              </p>
              <p className="flex flex-wrap gap-1">
                Profiles:{" "}
                {tenant.profiles.map((p) => (
                  <Badge key={p} tone="accent">
                    {p}
                  </Badge>
                ))}
              </p>
            </div>
          ) : (
            <p className="mt-3 text-sm text-zinc-500">
              Platform administrator. Pick a tenant at the top to act in it as its admin.
            </p>
          )}
        </Card>
        <Card className="p-5">
          <h2 className="text-sm font-semibold">Get started</h2>
          <ul className="mt-3 list-inside list-disc space-y-1 text-sm text-accent-700 dark:text-accent-100">
            {me.data?.user.isPlatformAdmin && (
              <li>
                <Link href="/admin/tenants">Create a tenant</Link>
              </li>
            )}
            {(tenant?.permissions.includes("users:manage") || me.data?.user.isPlatformAdmin) && (
              <li>
                <Link href="/admin/users">Invite your team</Link>
              </li>
            )}
            <li>
              <Link href="/account">Create an API key for a program</Link>
            </li>
          </ul>
        </Card>
      </div>
    </>
  );
}
