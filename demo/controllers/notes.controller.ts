import { Body, JsonController, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { Credential, RequireOAuth } from '../../src';
import type { DemoToken } from '../store';
import { NoteDto } from './note.dto';

@Service()
@JsonController('/api')
export class NotesController {
  /** A form body is signed parameter by parameter; any other body must carry a signed oauth_body_hash. */
  @Post('/notes')
  @RequireOAuth({ requireBodyHash: true })
  create(@Credential() credential: DemoToken, @Body() note: NoteDto) {
    return { user: credential.user, text: note.text };
  }
}
