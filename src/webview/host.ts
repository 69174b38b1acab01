/** The only way out of the webview: `acquireVsCodeApi()`, typed with the shared protocol. */
import type { FromWebview, LogLevel } from '../shared/protocol';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview API (callable once per page), or one that posts nowhere outside VS Code (a page
 *  opened by hand, the tests' pages before they install their own). */
export function vscodeApi(): VsCodeApi {
  return typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
}

export class Host {
  private readonly api: VsCodeApi = vscodeApi();

  post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  log(level: LogLevel, message: string): void {
    this.post({ type: 'log', level, message });
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }
}
