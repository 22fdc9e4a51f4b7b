import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const MeController = () => import('#controllers/api/v1/me_controller')
const TokensController = () => import('#controllers/api/v1/tokens_controller')
const UsersController = () => import('#controllers/api/v1/users_controller')

/**
 * /api/v1: bearer access tokens with abilities (read, write, purchase,
 * admin). Errors: `{ errors: [{ code, message, field? }] }`.
 */
router
  .group(() => {
    router.get('/me', [MeController, 'show']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.get('/tokens', [TokensController, 'index']).use(middleware.apiAuth({ abilities: ['read'] }))
    router.post('/tokens', [TokensController, 'store']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.delete('/tokens/:id', [TokensController, 'destroy']).use(middleware.apiAuth({ abilities: ['write'] }))
    router.get('/users', [UsersController, 'index']).use(middleware.apiAuth({ abilities: ['admin'] }))
  })
  .prefix('/api/v1')
