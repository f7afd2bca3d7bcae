// Debian's Chromium as the browser tests and bench/dashboard launch it (Playwright cannot
// download its own browser here); without the background-networking flags it keeps trying
// hosts this closed network refuses.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--no-first-run",
  ],
};
