import type { Services } from '../core/services';
import { createHandlers } from './handlers/index';
import { createRouter, type Router } from './router';

export interface AppRouterOptions {
  /**
   * The installed Electron app: there is no console anyone reads, so an internal error only
   * becomes a notice. Otherwise (development, the web host) its stack also goes to `log`.
   */
  packaged: boolean;
  /** Where unpackaged runs write internal errors (default: stderr). */
  log?: (line: string) => void;
}

/**
 * The one router both transports serve (Electron IPC and the web host's WebSocket): every
 * handler, secret scrubbing of errors, output validation, and the same reporting of internal
 * errors — a notice the user sees, plus the stack on stderr when a console is there to read it.
 */
export function createAppRouter(services: Services, options: AppRouterOptions): Router {
  const log = options.log ?? ((line: string) => void process.stderr.write(line));
  return createRouter(createHandlers(services), {
    scrub: (t) => services.scrub(t),
    onInternalError: (channel, error) => {
      const message = error instanceof Error ? error.message : String(error);
      services.notices.add('error', `Something went wrong in ${channel}.`, message);
      if (!options.packaged) {
        const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
        log(`[kiln] ${channel}: ${services.scrub(text)}\n`);
      }
    },
  });
}
