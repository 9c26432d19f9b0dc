import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { tokenMatches } from '../ipc/ws-transport';

/**
 * The web host's sign-in. The link Kiln prints carries a start-up token that works **once**:
 * the first page load exchanges it for an `HttpOnly; SameSite=Strict` session cookie and is
 * redirected to the same address without it, so the token never stays in the address bar,
 * history, session or top-sites files, and a copy of the link is worthless afterwards. Page
 * scripts cannot read the cookie; the renderer connects with `?token=session`, meaning "my
 * cookie". Origin and Host checks stay in front of both.
 */
export const SESSION_PARAM = 'session';

export class WebSession {
  private urlTokenUsed = false;
  private readonly secret = randomBytes(24).toString('base64url');

  constructor(
    private readonly urlToken: string,
    private readonly port: () => number,
  ) {}

  /** Per port: cookies are shared by every port of 127.0.0.1, so two Kiln hosts must not overwrite each other's. */
  get cookieName(): string {
    return `kiln_session_${this.port()}`;
  }

  /** The start-up token, while it has not been exchanged yet. */
  urlTokenValid(given: string | null): boolean {
    return !this.urlTokenUsed && tokenMatches(this.urlToken, given);
  }

  /** First load: trades a valid start-up token for the cookie (once). Null when the token is wrong or used. */
  exchange(given: string | null): string | null {
    if (!this.urlTokenValid(given)) return null;
    this.urlTokenUsed = true;
    return `${this.cookieName}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`;
  }

  hasCookie(req: IncomingMessage): boolean {
    const header = req.headers.cookie ?? '';
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.cookieName && tokenMatches(this.secret, part.slice(eq + 1).trim())) return true;
    }
    return false;
  }

  /** For the WebSocket handshake: the cookie (with `?token=session`), or the start-up token before its exchange. */
  authorize(req: IncomingMessage, queryToken: string | null): boolean {
    if (queryToken === SESSION_PARAM) return this.hasCookie(req);
    return this.urlTokenValid(queryToken);
  }
}
