import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "@/lib/providers";
import { TENANT_COOKIE } from "@/lib/tenant-cookie";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "IoT Console", template: "%s · IoT Console" },
  description: "Devices, assets, measures, rules and dashboards for every tenant.",
};

// The theme is applied before the first paint so a dark-mode user never sees a flash.
const themeScript = `try{var t=localStorage.getItem("iot.theme");if(t==="dark"||(!t&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const tenantId = (await cookies()).get(TENANT_COOKIE)?.value || null;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user data */}
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen font-sans">
        <Providers tenantId={tenantId}>{children}</Providers>
      </body>
    </html>
  );
}
