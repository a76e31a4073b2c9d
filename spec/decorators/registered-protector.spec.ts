/**
 * The protector a guard uses: the one registered in routing-controllers' container when the request comes.
 */
import 'reflect-metadata';
import { useContainer } from 'routing-controllers';
import { Container, Token } from 'typedi';
import { registeredProtector } from '../../src/decorators/registered-protector';
import { ResourceProtector } from '../../src/protector/resource-protector';

class AdminProtector extends ResourceProtector {}
const PARTNERS = new Token<ResourceProtector>('partners');

describe('registeredProtector', () => {
  beforeAll(() => useContainer(Container));
  afterAll(() => Container.reset());

  it('answers what the container holds now, by class, subclass or token', () => {
    const first = new ResourceProtector();
    Container.set(ResourceProtector, first);
    expect(registeredProtector(ResourceProtector)).toBe(first);
    const second = new ResourceProtector();
    Container.set(ResourceProtector, second);
    expect(registeredProtector(ResourceProtector)).toBe(second);

    const admin = new AdminProtector();
    Container.set(AdminProtector, admin);
    expect(registeredProtector(AdminProtector)).toBe(admin);
    const partners = new ResourceProtector();
    Container.set(PARTNERS, partners);
    expect(registeredProtector(PARTNERS)).toBe(partners);
  });
});
