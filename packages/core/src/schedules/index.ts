import "./tenant-module";

export * from "./document";
export * from "./timing";
export * from "./store";
export * from "./sync";
export * from "./run";
