/*
|--------------------------------------------------------------------------
| Event listeners
|--------------------------------------------------------------------------
|
| Domain events fan out here. Requests stay short: listeners queue work.
|
*/
