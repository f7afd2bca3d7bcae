import "./tenant-module";

export * from "./widgets";
export * from "./document";
export * from "./store";
export * from "./map-points";
export * from "./twin-ids";
