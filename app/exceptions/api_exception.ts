/**
 * The base of every catalogue error, under its old path: the call sites not
 * converted yet (`new ApiException(code, message, status, field)`) and the
 * `instanceof ApiException` checks import it from here. New code imports
 * `errors` (or `ApiException`) from #exceptions/catalogue.
 */
export { ApiException as default } from '#exceptions/catalogue'
