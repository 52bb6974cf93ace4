// Text into HTML: the one escaper for every HTML ChatSeal builds as a string (the chat renderer
// and the recovery kit). Good for element content and quoted attribute values alike.
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ESCAPES[c]!);
}
