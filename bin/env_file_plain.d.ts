export declare function ensureEnvFile(appRoot: URL): void
