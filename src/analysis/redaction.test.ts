import { REDACTED, RedactionSettingsError, compileRedaction, DEFAULT_REDACTION_SETTINGS } from './index';

describe('compileRedaction with the defaults', () => {
  const redact = compileRedaction();

  it('shows allowlisted attributes unchanged', () => {
    expect(redact.value('http.route', '/users/jane@example.com')).toBe('/users/jane@example.com');
  });

  it('hides the whole value of attributes whose key names a secret', () => {
    expect(
      redact.attributes({
        'http.request.header.authorization': 'Bearer abc',
        'db.password': 'hunter2',
        'x.api_key': 42,
      })
    ).toEqual({
      'http.request.header.authorization': REDACTED,
      'db.password': REDACTED,
      'x.api_key': REDACTED,
    });
  });

  it('replaces e-mails, bearer tokens, JWTs and query-string credentials inside other values', () => {
    expect(redact.value('user', 'jane.doe+ops@mail.example.co.uk paid')).toBe(`${REDACTED} paid`);
    expect(redact.value('note', 'sent Bearer eyJhbGciOi.abc-def_1')).toBe(`sent ${REDACTED}`);
    expect(redact.value('jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-x')).toBe(REDACTED);
    expect(redact.value('url.full', 'https://x.example/cb?code=1&access_token=s3cr3t&x=2')).toBe(
      `https://x.example/cb?code=1&access_token=${REDACTED}&x=2`
    );
  });

  it('replaces card numbers that pass the Luhn check and leaves other long numbers', () => {
    expect(redact.value('card', 'card 4111 1111 1111 1111 declined')).toBe(`card ${REDACTED} declined`);
    expect(redact.value('card', '5500-0000-0000-0004')).toBe(REDACTED);
    expect(redact.value('card.number', 4111111111111111)).toBe(REDACTED);
    expect(redact.value('order.id', '4111111111111112')).toBe('4111111111111112');
    expect(redact.value('http.response.body.size', 1234567)).toBe(1234567);
  });

  it('scrubs strings nested in arrays and maps', () => {
    expect(redact.value('recipients', ['a@b.io', 'ops'])).toEqual([REDACTED, 'ops']);
    expect(redact.value('meta', { owner: 'a@b.io', session_id: 'x' })).toEqual({
      owner: REDACTED,
      session_id: REDACTED,
    });
  });

  it('redacts free text such as status messages', () => {
    expect(redact.text('user jane@example.com not found')).toBe(`user ${REDACTED} not found`);
  });
});

describe('compileRedaction with custom settings', () => {
  it('applies added patterns and allowlisted keys', () => {
    const redact = compileRedaction({
      ...DEFAULT_REDACTION_SETTINGS,
      allowKeys: ['enduser.id'],
      valuePatterns: ['\\bcust-\\d+\\b'],
    });
    expect(redact.value('enduser.id', 'jane@example.com')).toBe('jane@example.com');
    expect(redact.value('note', 'for cust-42')).toBe(`for ${REDACTED}`);
  });

  it('rejects an invalid pattern and names it', () => {
    expect(() => compileRedaction({ ...DEFAULT_REDACTION_SETTINGS, secretKeyPatterns: ['(unclosed'] })).toThrow(
      RedactionSettingsError
    );
    expect(() => compileRedaction({ ...DEFAULT_REDACTION_SETTINGS, valuePatterns: ['['] })).toThrow(
      /value pattern "\["/
    );
  });
});
