import { describe, expect, it } from 'vitest';
import { assertSafeExternalUrl, isAppUrl } from '../../../src/main/files/safe-url';

describe('opening links outside the app', () => {
  it('allows only http and https links without credentials', () => {
    expect(assertSafeExternalUrl('https://www.linkedin.com/company/acme').hostname).toBe('www.linkedin.com');
    expect(assertSafeExternalUrl('http://example.com/a?b=c').protocol).toBe('http:');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'data:text/html,x',
    ]) {
      expect(() => assertSafeExternalUrl(url), url).toThrow(/Only http and https/);
    }
    expect(() => assertSafeExternalUrl('https://user:pw@example.com')).toThrow(/credentials/);
    expect(() => assertSafeExternalUrl('not a url')).toThrow(/not a valid link/);
  });
});

describe("what counts as the app's own page", () => {
  it('is the dev-server origin in development and file: pages when packaged', () => {
    expect(isAppUrl('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('https://evil.example/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('file:///opt/Rowsmith/resources/app.asar/out/renderer/index.html', 'file://')).toBe(true);
    expect(isAppUrl('https://evil.example/', 'file://')).toBe(false);
    expect(isAppUrl('garbage', 'file://')).toBe(false);
  });
});
