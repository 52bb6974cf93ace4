// Saving files from an extension page: a blob URL clicked through an <a download> link. This needs
// no "downloads" permission and works in every browser; the page must stay open until the click.

/** Keeps the blob URL alive long enough for the browser to start reading it. */
const REVOKE_AFTER_MS = 60_000;

export function saveFile(data: Blob | BlobPart[], fileName: string, type = 'application/octet-stream'): void {
  const blob = data instanceof Blob ? data : new Blob(data, { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/**
 * Prints a standalone HTML document (the recovery kit) without navigating away: it is loaded into
 * a hidden frame and that frame's print dialog is opened.
 */
export function printHtml(html: string, title: string): void {
  const frame = document.createElement('iframe');
  frame.title = title;
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.position = 'fixed';
  frame.style.width = '0';
  frame.style.height = '0';
  frame.style.border = '0';
  frame.addEventListener('load', () => {
    const view = frame.contentWindow;
    if (!view) return;
    view.addEventListener('afterprint', () => frame.remove(), { once: true });
    view.focus();
    view.print();
  });
  frame.srcdoc = html;
  document.body.append(frame);
}
