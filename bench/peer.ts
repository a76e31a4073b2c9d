/**
 * The peer's route for the Express bench app (bench/app.ts with `peer`): GET /passport, the bench's guarded
 * route behind passport-http-oauth instead of the guard.
 */
import { Get, JsonController, Req, UseBefore } from 'routing-controllers';
import { Service } from 'typedi';
import { passportOAuth } from './support/passport';

@Service()
@JsonController()
export class PassportController {
  @Get('/passport')
  @UseBefore(...passportOAuth())
  passport(@Req() req: { user: { token: string } }) {
    return { ok: true, client: req.user.token };
  }
}
