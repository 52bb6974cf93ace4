// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { parseKeyInput } from '../../src/crypto/keyinput';
import { deriveKeyId, groupDigits, seedToDigits, seedToIdentity, type KeyType } from '../../src/crypto/keys';
import { buildRecoveryKit, recoveryKitFileName, recoveryKitQrText, type RecoveryKitInput } from '../../src/ui/recovery-kit';

const SEED = Uint8Array.from({ length: 32 }, (_v, i) => (i * 37 + 11) & 0xff);

async function kitFor(type: KeyType): Promise<RecoveryKitInput> {
  const digits = seedToDigits(SEED);
  return {
    digits,
    groups: groupDigits(digits),
    identity: seedToIdentity(SEED, type),
    keyId: await deriveKeyId(SEED),
    keyType: type,
    createdAt: '2026-11-26T10:15:03.000Z',
  };
}

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

describe('recovery kit', () => {
  it.each<KeyType>(['pq', 'classic'])('holds the key, its identity, key id, type and date (%s)', async (type) => {
    const kit = await kitFor(type);
    const doc = parse(buildRecoveryKit(kit));
    const digitsEl = doc.getElementById('key-digits')!;
    expect(digitsEl.getAttribute('data-digits')).toBe(kit.digits);
    expect([...digitsEl.querySelectorAll('li')].map((li) => li.textContent)).toEqual(kit.groups.map((g, i) => `${i + 1}${g}`));
    expect(doc.getElementById('age-identity')!.textContent).toBe(kit.identity);
    expect(doc.getElementById('age-identity')!.textContent).toMatch(type === 'pq' ? /^AGE-SECRET-KEY-PQ-1/ : /^AGE-SECRET-KEY-1/);
    expect(doc.getElementById('key-id')!.getAttribute('data-key-id')).toBe(kit.keyId);
    expect(doc.getElementById('key-type')!.getAttribute('data-key-type')).toBe(type);
    expect(doc.getElementById('created-at')!.getAttribute('data-created-at')).toBe(kit.createdAt);
    const text = doc.body.textContent!;
    expect(text).toContain('ChatSeal will never ask you for this key.');
    expect(text).toContain('age -d -i identity.txt backup.age | tar x');
    expect(text).toContain('npx chatseal decrypt backup.age -o out/');
    expect(text).toContain(type === 'pq' ? 'age 1.3 or later' : 'Any version of age');
  });

  it('is standalone: no scripts, no external resources, and a QR code as inline SVG', async () => {
    const html = buildRecoveryKit(await kitFor('pq'));
    const doc = parse(html);
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.querySelectorAll('link, img, iframe, object, embed')).toHaveLength(0);
    // The SVG namespace is a name, not a resource; nothing else may point outside the file.
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//);
    const svg = doc.querySelector('.qr svg');
    expect(svg).not.toBeNull();
    expect(svg!.querySelector('path')!.getAttribute('d')!.length).toBeGreaterThan(100);
  });

  it('puts the 64 digits in the QR code in a form the key input accepts', async () => {
    const kit = await kitFor('classic');
    const qrText = recoveryKitQrText(kit.digits);
    expect(qrText).toMatch(/^[0-9A-F]{64}$/);
    const parsed = parseKeyInput(qrText);
    expect(parsed.ok && [...parsed.seed]).toEqual([...SEED]);
  });

  it('escapes what it embeds', async () => {
    const kit = { ...(await kitFor('pq')), identity: '<script>alert(1)</script>' };
    const doc = parse(buildRecoveryKit(kit));
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.getElementById('age-identity')!.textContent).toBe('<script>alert(1)</script>');
  });

  it('is named by key id', () => {
    expect(recoveryKitFileName('0123456789abcdef')).toBe('ChatSeal-recovery-kit-0123456789abcdef.html');
  });
});
