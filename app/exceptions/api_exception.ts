import { Exception } from '@adonisjs/core/exceptions'

/**
 * An error the API and the pages show as is: a stable code, an HTTP status
 * and, where it is about one input, the field.
 */
export default class ApiException extends Exception {
  readonly field?: string

  constructor(code: string, message: string, status = 400, field?: string) {
    super(message, { code, status })
    this.field = field
  }
}
