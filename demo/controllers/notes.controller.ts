import { Body, Delete, JsonController, Param, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { Credential, RequireOAuth } from '../../src';
import type { DemoToken } from '../store';
import { NoteDto } from './note.dto';

@Service()
@JsonController('/api')
export class NotesController {
  /** A form body is signed parameter by parameter; any other body must carry a signed oauth_body_hash. */
  @Post('/notes')
  @RequireOAuth()
  create(@Credential() credential: DemoToken, @Body() note: NoteDto) {
    return { user: credential.user, text: note.text };
  }

  /** Deleting needs the notes:write scope, which only alice's demo-token was granted (403 otherwise). */
  @Delete('/notes/:id')
  @RequireOAuth({ scopes: ['notes:write'] })
  remove(@Credential() credential: DemoToken, @Param('id') id: string) {
    return { user: credential.user, deleted: id };
  }
}
