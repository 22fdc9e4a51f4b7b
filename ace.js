/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| Registers the TypeScript execution hook, then boots the console
| entrypoint in bin/console.ts.
|
*/
import '@poppinss/ts-exec'

await import('./bin/console.js')
