import { configApp } from '@adonisjs/eslint-config'
import { vue } from '@adonisjs/eslint-config/vue'

/**
 * The AdonisJS core team's presets (TypeScript and the Vue pages), with
 * three departures:
 * - `(await query.first())?.column` reads better than a temporary for one
 *   column of a knex row, and is everywhere in the data layer;
 * - the typesafe `<Link>` of @adonisjs/inertia/vue needs a generated route
 *   registry (tuyau), which the pages do not use: links are plain paths;
 * - a leading underscore marks a binding left unused on purpose
 *   (`const { secret: _secret, ...rest } = row`).
 */
export default configApp(
  ...vue,
  {
    name: 'HDTickets',
    rules: {
      '@unicorn/no-await-expression-member': 'off',
      '@adonisjs/prefer-adonisjs-inertia-link': 'off',
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'variable',
          format: ['camelCase', 'UPPER_CASE', 'PascalCase'],
          leadingUnderscore: 'allow',
        },
        { selector: 'typeLike', format: ['PascalCase'] },
        { selector: 'class', format: ['PascalCase'] },
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: false },
        },
      ],
    },
  },
  {
    name: 'HDTickets ignores',
    ignores: [
      'tmp/**',
      'storage/**',
      'public/assets/**',
      'docs/**',
      'build/**',
      'tests/fixtures/**',
    ],
  }
)
