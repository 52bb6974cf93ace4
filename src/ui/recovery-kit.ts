// The recovery kit: one standalone HTML file (no scripts, no external resources) that holds the
// 64-digit key, the same key as an age identity, its key id, type and creation date, a QR code of
// the key, and how to open a backup with or without ChatSeal. It is built in the options page from
// what the worker shows during setup; the key is never stored, so the kit exists only then.
import { renderSVG } from 'uqr';
import { escapeHtml } from '../export/render/escape';
import type { PendingKeyView } from '../messaging/protocol';
import { formatKeyId } from './components';
import { formatDate, t, type MessageKey } from './i18n';

export type RecoveryKitInput = Pick<PendingKeyView, 'digits' | 'groups' | 'identity' | 'keyId' | 'keyType' | 'createdAt'>;

/** What the QR code holds: the 64 digits in upper case, which QR's compact alphanumeric mode encodes. */
export function recoveryKitQrText(digits: string): string {
  return digits.toUpperCase();
}

export function recoveryKitFileName(keyId: string): string {
  return `ChatSeal-recovery-kit-${keyId}.html`;
}

const KIT_STYLE = `
  :root { color-scheme: light; }
  body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif;
         color: #111; background: #fff; max-width: 46rem; margin: 2rem auto; padding: 0 1.5rem; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.15rem; margin-top: 1.8rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
  code, .mono { font-family: ui-monospace, 'SF Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
  .warning { border: 2px solid #0f766e; border-radius: 8px; padding: 0.7rem 1rem; }
  .key { display: grid; grid-template-columns: repeat(4, max-content); gap: 0.4rem 1.6rem;
         font-size: 1.7rem; letter-spacing: 0.08em; margin: 1rem 0; list-style: none; padding: 0; }
  .key .n { font-size: 0.5em; color: #555; margin-right: 0.3em; letter-spacing: 0; }
  .qr { display: flex; gap: 1.2rem; align-items: center; }
  .qr svg { width: 11rem; height: 11rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; }
  dt { color: #555; } dd { margin: 0; }
  pre, .identity { background: #f3f5f5; border-radius: 6px; padding: 0.6rem 0.8rem; overflow-wrap: anywhere;
         white-space: pre-wrap; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } .key, .qr { break-inside: avoid; } }
`;

const TYPE_NAME: Record<RecoveryKitInput['keyType'], MessageKey> = {
  pq: 'kitTypePq',
  classic: 'kitTypeClassic',
};

const AGE_VERSION_NOTE: Record<RecoveryKitInput['keyType'], MessageKey> = {
  pq: 'kitAgeVersionPq',
  classic: 'kitAgeVersionClassic',
};

export function buildRecoveryKit(kit: RecoveryKitInput): string {
  const e = escapeHtml;
  const qr = renderSVG(recoveryKitQrText(kit.digits), { ecc: 'M', border: 2, pixelSize: 5 });
  const groups = kit.groups
    .map((g, i) => `<li><span class="n">${i + 1}</span>${e(g)}</li>`)
    .join('');
  const title = t('kitTitle');
  return `<!doctype html>
<html lang="${e(t('kitLang'))}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${KIT_STYLE}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p>${e(t('kitCreated', formatDate(kit.createdAt)))}</p>
<div class="warning">
<p><strong>${e(t('kitNeverAsk'))}</strong> ${e(t('kitNeverAskDetail'))}</p>
<p>${e(t('kitKeepSafe'))}</p>
<p>${e(t('kitLoseWarning'))}</p>
</div>

<h2>${e(t('kitYourKey'))}</h2>
<ol class="key mono" id="key-digits" data-digits="${e(kit.digits)}">${groups}</ol>
<div class="qr">${qr}<p>${e(t('kitQrCaption'))}</p></div>

<h2>${e(t('kitAboutKey'))}</h2>
<dl>
<dt>${e(t('kitKeyId'))}</dt><dd class="mono" id="key-id" data-key-id="${e(kit.keyId)}">${e(formatKeyId(kit.keyId))}</dd>
<dt>${e(t('kitKeyType'))}</dt><dd id="key-type" data-key-type="${e(kit.keyType)}">${e(t(TYPE_NAME[kit.keyType]))}</dd>
<dt>${e(t('kitCreatedLabel'))}</dt><dd id="created-at" data-created-at="${e(kit.createdAt)}">${e(formatDate(kit.createdAt))}</dd>
</dl>
<p>${e(t('kitKeyIdExplain'))}</p>

<h2>${e(t('kitRestoreWithChatSeal'))}</h2>
<p>${e(t('kitRestoreWithChatSealText'))}</p>

<h2>${e(t('kitOpenWithoutChatSeal'))}</h2>
<p>${e(t('kitIdentityIntro'))}</p>
<pre class="identity mono" id="age-identity">${e(kit.identity)}</pre>
<ol>
<li>${e(t('kitStepSaveIdentity'))}</li>
<li>${e(t('kitStepRunAge'))}<pre><code>age -d -i identity.txt backup.age | tar x</code></pre>${e(t(AGE_VERSION_NOTE[kit.keyType]))}</li>
<li>${e(t('kitStepContents'))}</li>
</ol>
<p>${e(t('kitCliIntro'))}</p>
<pre><code>npx chatseal decrypt backup.age -o out/</code></pre>
<p>${e(t('kitCliNote'))}</p>
</body>
</html>
`;
}
