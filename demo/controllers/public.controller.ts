import { Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';

@Service()
@JsonController('/api')
export class PublicController {
  @Get('/public')
  public() {
    return { ok: true };
  }
}
