/** What an export writes: exactly the bytes the webview made (shared/protocol.ts EXPORT_FILES says how they travel). */
import { EXPORT_FILES, type SaveMessage } from '../../shared/protocol';

export function exportBytes(message: Pick<SaveMessage, 'format' | 'content'>): Uint8Array {
  return Buffer.from(message.content, EXPORT_FILES[message.format].base64 ? 'base64' : 'utf8');
}
