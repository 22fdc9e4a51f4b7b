/*
|--------------------------------------------------------------------------
| Validation messages
|--------------------------------------------------------------------------
|
| Every validator speaks of a field by its label and of a limit in the unit
| the person typed (app/validators/messages.ts).
|
*/
import vine from '@vinejs/vine'
import { FieldMessagesProvider } from '#validators/messages'

vine.messagesProvider = new FieldMessagesProvider()
