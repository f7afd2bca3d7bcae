import { fileURLToPath } from "node:url";

// The test run's own database and Redis prefix, so tests never touch the development data.
export const testDatabase = process.env.TEST_DATABASE ?? "iot_test";

export function testEnv(base = process.env) {
  const host = base.PGHOST_TEST ?? "127.0.0.1:5432";
  return {
    DATABASE_URL: `postgres://iot_app:iot_app@${host}/${testDatabase}`,
    DATABASE_OWNER_URL: `postgres://iot_owner:iot_owner@${host}/${testDatabase}`,
    DATABASE_ADMIN_URL: base.DATABASE_ADMIN_URL ?? `postgres://postgres@${host}/postgres`,
    REDIS_URL: base.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: "iot-test",
    PASSWORD_COST: "low",
    // JSON logs of the processes under test: warnings and errors only
    LOG_LEVEL: base.LOG_LEVEL ?? "warn",
    // the tests' webhook receivers listen on 127.0.0.1 (the guard itself is tested apart)
    RULES_HTTP_ALLOW_PRIVATE: "1",
    // the tests scrape /metrics without a token (the token check has tests of its own)
    METRICS_TOKEN: "",
    // the seed's ingest key for this database, apart from the development one
    DEMO_KEY_FILE: fileURLToPath(new URL(`../.demo/ingest-key.${testDatabase}.json`, import.meta.url)),
  };
}
