export declare function ensureEnvFile(appRoot: URL): void
export declare function exampleEnv(appRoot: URL): Record<string, string>
