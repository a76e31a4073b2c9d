import { parseRequestTarget } from '../../src/http/request-target';
import { InvalidRequestError } from '../../src/rfc5849/errors';

describe('parseRequestTarget (RFC 9112 §3.2.1 origin-form)', () => {
  it('splits the path and the raw query at the first "?", both as sent', () => {
    expect(parseRequestTarget('/a/b%20c?x=1&y=?z')).toEqual({ path: '/a/b%20c', query: 'x=1&y=?z' });
    expect(parseRequestTarget('/')).toEqual({ path: '/', query: '' });
    expect(parseRequestTarget('/p?')).toEqual({ path: '/p', query: '' });
  });

  it.each(['/search?filter[limit]=5&tags[]=a', "/p/!$&'()*+,;=:@?q=a|b^c`d{e}f\\g", '/p?x=%2B%20%25'])(
    'accepts what RFC 3986 and WHATWG serializers send: %j',
    (target) => {
      expect(() => parseRequestTarget(target)).not.toThrow();
    },
  );

  it.each([
    ['not an absolute path', 'api/me'],
    ['absolute-form', 'http://example.com/api/me'],
    ['asterisk-form', '*'],
    ['a fragment delimiter in the query', '/api/me?a=1#b=2'],
    ['a fragment delimiter in the path', '/api/me#x'],
    ['a double quote', '/api/me?a="1"'],
    ['angle brackets', '/api/me?a=<b>'],
    ['a space', '/api/me?a=b c'],
    ['a control character', '/api/me?a=\x01'],
    ['non-ASCII', '/api/mé'],
  ])('refuses %s with invalid_request', (_case, target) => {
    expect(() => parseRequestTarget(target)).toThrow(InvalidRequestError);
  });

  it.each([
    ['a malformed escape in the path', '/api/%zz', /malformed percent-escape/],
    ['a truncated escape in the path', '/api/%4', /malformed percent-escape/],
    ['an escape in the path that is not UTF-8', '/api/notes/%FF', /not UTF-8/],
    ['an overlong UTF-8 form in the path', '/api/notes/%C0%AF', /not UTF-8/],
    ['a UTF-16 surrogate in the path', '/api/notes/%ED%A0%80', /not UTF-8/],
  ])('refuses %s with invalid_request, saying which', (_case, target, why) => {
    expect(() => parseRequestTarget(target)).toThrow(InvalidRequestError);
    expect(() => parseRequestTarget(target)).toThrow(why);
  });

  it('takes escapes that spell UTF-8 in the path, and leaves the query to the parameter parser', () => {
    expect(parseRequestTarget('/api/caf%C3%A9/%F0%9D%84%9E?q=%FF')).toEqual({
      path: '/api/caf%C3%A9/%F0%9D%84%9E',
      query: 'q=%FF',
    });
  });
});
