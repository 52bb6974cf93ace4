import { useState } from 'preact/hooks';
import { fromBase64 } from '../../crypto/bytes';
import { callWorker } from '../../messaging/client';
import { saveFile } from '../download';
import { errorText } from '../errors';
import { t } from '../i18n';

/** Password mode: saves the key file (an age passphrase file) so it can live somewhere else too. */
export function KeyFileButton() {
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setError(null);
    try {
      const file = await callWorker('key.getKeyFile', {});
      saveFile([fromBase64(file.base64) as Uint8Array<ArrayBuffer>], file.fileName);
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <div class="actions">
      <button type="button" onClick={download}>
        {t('downloadKeyFile')}
      </button>
      {error && (
        <p role="alert" class="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
