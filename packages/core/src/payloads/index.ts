export * from "./store";
export * from "./pipeline";
export * from "./log";
export * from "./shards";
export * from "./enqueue";
export * from "./replay";
