/**
 * True for `localhost`, `127.x.x.x` and `[::1]` URLs: the only places this project talks
 * plain HTTP to (DynamoDB Local, the sandbox, local fakes) or uses dummy AWS credentials.
 */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** An `https://` URL, or `http://` on loopback; anything else would send secrets in clear. */
export function isSecureOrLoopbackUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const protocol = new URL(url).protocol;
  return protocol === 'https:' || (protocol === 'http:' && isLoopbackUrl(url));
}
