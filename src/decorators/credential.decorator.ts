import { createParamDecorator } from 'routing-controllers';
import { verifiedOf } from '../protector/current-credential';
import { stateHolderOf } from './action-adapter';

/** Injects the verified token credential of a guarded action (Authlib: `current_credential`). */
export function Credential(): ParameterDecorator {
  return createParamDecorator({
    value: (action) => verifiedOf(stateHolderOf(action))?.credential,
  }) as ParameterDecorator;
}
