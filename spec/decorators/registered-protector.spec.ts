/**
 * The protector a guard uses: the one registered in routing-controllers' container when the request comes.
 */
import 'reflect-metadata';
import { useContainer } from 'routing-controllers';
import { Container, Token } from 'typedi';
import { registeredProtector, type ProtectorKey } from '../../src/decorators/registered-protector';
import { ResourceProtector } from '../../src/protector/resource-protector';

class AdminProtector extends ResourceProtector {}
const PARTNERS = new Token<ResourceProtector>('partners');

describe('registeredProtector', () => {
  beforeAll(() => useContainer(Container));
  afterAll(() => Container.reset());

  it.each<[string, ProtectorKey]>([
    ['the class', ResourceProtector],
    ['a subclass', AdminProtector],
    ['a typedi token', PARTNERS],
  ])('answers what the container holds under %s now, not what it held before', (_, key) => {
    const register = (protector: ResourceProtector) => Container.set(key as Token<ResourceProtector>, protector);
    const first = new ResourceProtector();
    register(first);
    expect(registeredProtector(key)).toBe(first);
    const second = new ResourceProtector();
    register(second);
    expect(registeredProtector(key)).toBe(second);
  });
});
