import type { NextConfig } from "next";

const config: NextConfig = {
  // workspace packages ship TypeScript sources
  transpilePackages: ["@iot/api", "@iot/core", "@iot/db"],
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@prisma/client"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
