export { getPath, isFieldPath, MAX_PATH_SEGMENTS, ZFieldPath } from "./paths";
export * from "./geo";
export { matchesTwinFilter, type TMatchableTwin } from "./twin-match";
export * from "./conditions";
export * from "./evaluate";
export * from "./explain";
export * from "./templates";
