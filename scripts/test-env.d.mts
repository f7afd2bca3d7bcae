export declare const testDatabase: string;
export declare function testEnv(base?: NodeJS.ProcessEnv): {
  DATABASE_URL: string;
  DATABASE_OWNER_URL: string;
  DATABASE_ADMIN_URL: string;
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  PASSWORD_COST: string;
  DEMO_KEY_FILE: string;
};
