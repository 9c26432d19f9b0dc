import type { CapturePage } from '../services/preview/page-capture';

/**
 * What the services need from the runtime they run in. Electron implements it in
 * electron/platform/; the web host implements it with plain Node. Services see only this.
 */
export interface PlatformPort {
  readonly runtime: 'electron' | 'web';
  /** Versions of the runtime pieces shown in About and diagnostics. */
  readonly versions: Record<string, string>;
  /** Opens a URL that has already been validated as http(s) in the OS browser. */
  openExternal(url: string): Promise<void>;
  /** Shows a file or folder in the OS file manager. */
  revealInFolder(target: string): Promise<void>;
  /** Moves a path to the OS trash, or returns false when this runtime has none. */
  trashItem(target: string): Promise<boolean>;
  /** Asks the user where to save a file; absent where there is no native dialog (web host). */
  chooseSavePath?(suggestedName: string): Promise<string | null>;
  /** Asks the user to pick a folder; absent where there is no native dialog (web host). */
  chooseFolder?(): Promise<string | null>;
  /**
   * A picture of part of the app window (gallery thumbnails: electron/platform/page-capture.ts);
   * absent where the runtime has no page capture (web host: the page's own html-to-image).
   */
  capturePage?: CapturePage;
}
