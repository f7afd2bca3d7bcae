export * from "./store";
export * from "./pipeline";
export * from "./log";
