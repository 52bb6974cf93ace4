// A chatseal/1 document as one standalone HTML page: inline CSS, no script (the page's CSP forbids
// any), every piece of chat text escaped, links only for http(s) URLs, each message's text in its
// own direction, light and dark by prefers-color-scheme. Media shows only where the caller maps
// an attachment's backup path to a URL (a data: or blob: URL, or a relative path).
import type { Attachment, AttachmentStatus, ChatExport, Message } from '../types';
import { escapeHtml } from './escape';

export interface HtmlLabels {
  /** `{n}` is replaced by the number. */
  messages: string;
  participants: string;
  notes: string;
  unparsed: string;
  you: string;
  unknownSender: string;
  forwarded: string;
  forwardedFrom: string;
  edited: string;
  deleted: string;
  deletedByMe: string;
  replyTo: string;
  footer: string;
  status: Record<AttachmentStatus, string>;
}

export const ENGLISH_LABELS: HtmlLabels = {
  messages: '{n} messages',
  participants: 'Participants',
  notes: 'Notes about this export',
  unparsed: 'Lines that could not be read',
  you: 'You',
  unknownSender: 'Unknown',
  forwarded: 'Forwarded',
  forwardedFrom: 'Forwarded from {name}',
  edited: 'edited',
  deleted: 'This message was deleted',
  deletedByMe: 'You deleted this message',
  replyTo: 'In reply to',
  footer: 'Exported with ChatSeal',
  status: {
    captured: 'attached',
    'thumbnail-only': 'preview only',
    'not-loaded': 'not included',
    expired: 'expired',
    failed: 'could not be saved',
    omitted: 'left out by the app',
  },
};

export interface HtmlOptions {
  /** Attachment path in the backup (media/<sha256>.<ext>) -> URL to show it from. */
  media?: Readonly<Record<string, string>> | ((attachment: Attachment) => string | undefined);
  labels?: Partial<HtmlLabels>;
  /** BCP 47 language of the labels; the chat itself may be in any language. */
  lang?: string;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+/g;

/** Escaped text with http(s) URLs turned into links (trailing sentence punctuation left outside). */
function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    let url = m[0];
    while (/[.,;:!?'")]$/.test(url) && !(url.endsWith(')') && url.includes('('))) url = url.slice(0, -1);
    const start = m.index;
    out += escapeHtml(text.slice(last, start));
    out += `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

/** Only URLs that cannot run code or reach a remote server: data:, blob:, or a relative path. */
function safeMediaUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (/^(?:data|blob):/i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('\\')) return undefined;
  return url;
}

const CSS = `
:root{color-scheme:light dark;--bg:#efeae2;--fg:#111b21;--muted:#667781;--in:#fff;--out:#d9fdd3;--sys:#fff5c4;--line:#d1d7db;--link:#027eb5}
@media (prefers-color-scheme:dark){:root{--bg:#0b141a;--fg:#e9edef;--muted:#8696a0;--in:#202c33;--out:#005c4b;--sys:#182229;--line:#2a3942;--link:#53bdeb}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans Hebrew",sans-serif}
header,main,section,footer{max-width:52rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
h2{font-size:1.05rem}
.meta{color:var(--muted);margin:.15rem 0}
details{margin:.75rem 0;color:var(--muted)}
.day{text-align:center;margin:1rem 0 .5rem}
.day span{background:var(--sys);border-radius:.5rem;padding:.2rem .6rem;font-size:.8rem;color:var(--muted)}
.msg{max-width:80%;width:fit-content;margin:.25rem 0;padding:.35rem .6rem .3rem;border-radius:.6rem;background:var(--in);overflow-wrap:anywhere;box-shadow:0 1px .5px rgb(0 0 0/.13)}
.msg.out{margin-left:auto;background:var(--out)}
.msg.system{margin:.5rem auto;background:var(--sys);text-align:center;font-size:.85rem;max-width:90%}
.sender{font-weight:600;font-size:.85rem;margin-bottom:.1rem}
.text{white-space:pre-wrap}
.deleted{font-style:italic;color:var(--muted)}
.tag,.foot,.reply .who{font-size:.75rem;color:var(--muted)}
.foot{text-align:end;margin-top:.1rem}
.reply{border-inline-start:3px solid var(--link);padding:.1rem .4rem;margin-bottom:.25rem;background:rgb(127 127 127/.12);border-radius:.3rem}
.reply a{color:inherit;text-decoration:none}
.att{margin:.2rem 0}
.att img,.att video{max-width:100%;max-height:24rem;border-radius:.4rem;display:block}
.att .file{color:var(--muted);font-size:.85rem}
.reactions{list-style:none;padding:0;margin:.2rem 0 0;display:flex;gap:.3rem;flex-wrap:wrap}
.reactions li{background:var(--bg);border-radius:1rem;padding:0 .4rem;font-size:.8rem}
a{color:var(--link)}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--in);padding:.5rem;border-radius:.4rem}
footer{color:var(--muted);font-size:.8rem;padding-bottom:2rem;text-align:center}
`;

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; form-action 'none'; base-uri 'none'";

export function renderHtml(doc: ChatExport, opts: HtmlOptions = {}): string {
  const labels: HtmlLabels = { ...ENGLISH_LABELS, ...opts.labels, status: { ...ENGLISH_LABELS.status, ...opts.labels?.status } };
  const mediaUrl = (a: Attachment): string | undefined => {
    if (!opts.media) return undefined;
    if (typeof opts.media === 'function') return safeMediaUrl(opts.media(a));
    return a.path !== undefined ? safeMediaUrl(opts.media[a.path]) : undefined;
  };
  const title = doc.conversation.title || doc.conversation.participants.map((p) => p.name).join(', ');
  const byKey = new Map(doc.messages.map((m) => [m.key, m]));

  const parts: string[] = [];
  parts.push(
    '<!doctype html>',
    `<html lang="${escapeHtml(opts.lang ?? 'en')}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1 dir="auto">${escapeHtml(title)}</h1>`,
  );
  if (doc.conversation.participants.length > 0) {
    const names = doc.conversation.participants.map(
      (p) => `<bdi>${escapeHtml(p.name)}</bdi>${p.isMe ? ` (${escapeHtml(labels.you)})` : ''}`,
    );
    parts.push(`<p class="meta">${escapeHtml(labels.participants)}: ${names.join(', ')}</p>`);
  }
  const range = doc.messages.length > 0 ? ` · ${escapeHtml(dateRange(doc))}` : '';
  parts.push(`<p class="meta">${escapeHtml(labels.messages.replace('{n}', String(doc.messages.length)))}${range}</p>`);
  if (doc.capture.warnings.length > 0) {
    parts.push(`<details><summary>${escapeHtml(labels.notes)}</summary><ul>`);
    for (const w of doc.capture.warnings) parts.push(`<li>${escapeHtml(w.message)}</li>`);
    parts.push('</ul></details>');
  }
  parts.push('</header>', '<main>');

  let day = '';
  for (const m of doc.messages) {
    const thisDay = m.timestamp.value.slice(0, 10);
    if (thisDay !== day) {
      day = thisDay;
      parts.push(`<div class="day"><span>${escapeHtml(day)}</span></div>`);
    }
    parts.push(renderMessage(m, labels, byKey, mediaUrl));
  }
  parts.push('</main>');

  if (doc.capture.unparsedLines.length > 0) {
    const lines = doc.capture.unparsedLines.map((u) => `${u.line}: ${escapeHtml(u.text)}`);
    parts.push('<section>', `<h2>${escapeHtml(labels.unparsed)}</h2>`, `<pre>${lines.join('\n')}</pre>`, '</section>');
  }
  parts.push(`<footer>${escapeHtml(labels.footer)}</footer>`, '</body>', '</html>', '');
  return parts.join('\n');
}

function renderMessage(
  m: Message,
  labels: HtmlLabels,
  byKey: Map<string, Message>,
  mediaUrl: (a: Attachment) => string | undefined,
): string {
  const side = m.kind === 'system' ? 'system' : m.direction === 'out' ? 'out' : 'in';
  const inner: string[] = [];
  if (m.kind !== 'system') {
    const name = m.sender?.name ?? (m.direction === 'out' ? labels.you : labels.unknownSender);
    inner.push(`<div class="sender" dir="auto">${escapeHtml(name)}</div>`);
  }
  if (m.forwarded || m.forwardedFrom) {
    const text = m.forwardedFrom ? labels.forwardedFrom.replace('{name}', m.forwardedFrom) : labels.forwarded;
    inner.push(`<div class="tag" dir="auto">${escapeHtml(text)}</div>`);
  }
  if (m.replyTo !== undefined || m.replyPreview) {
    const target = m.replyTo !== undefined ? byKey.get(m.replyTo) : undefined;
    const who = m.replyPreview?.sender ?? target?.sender?.name;
    const text = m.replyPreview?.text ?? target?.text ?? '';
    const body =
      `<div class="who" dir="auto">${escapeHtml(labels.replyTo)}${who ? ` <bdi>${escapeHtml(who)}</bdi>` : ''}</div>` +
      `<div dir="auto">${escapeHtml(text.length > 160 ? `${text.slice(0, 160)}…` : text)}</div>`;
    inner.push(`<div class="reply">${target ? `<a href="#m-${escapeHtml(target.key)}">${body}</a>` : body}</div>`);
  }
  for (const a of m.attachments ?? []) inner.push(renderAttachment(a, labels, mediaUrl(a)));
  if (m.kind === 'deleted') {
    inner.push(`<div class="text deleted">${escapeHtml(m.direction === 'out' ? labels.deletedByMe : labels.deleted)}</div>`);
  } else if (m.text !== undefined && m.text !== '') {
    inner.push(`<div class="text" dir="${m.textDirection ?? 'auto'}">${linkify(m.text)}</div>`);
  }
  if (m.reactions) {
    const items = m.reactions.map((r) => {
      const who = r.senders?.length ? ` title="${escapeHtml(r.senders.join(', '))}"` : '';
      return `<li${who}>${escapeHtml(r.emoji)} ${r.count}</li>`;
    });
    inner.push(`<ul class="reactions">${items.join('')}</ul>`);
  }
  const edited = m.edited ? `${escapeHtml(labels.edited)} ` : '';
  inner.push(`<div class="foot">${edited}<time datetime="${escapeHtml(m.timestamp.value)}">${escapeHtml(clock(m.timestamp.value))}</time></div>`);
  return `<article class="msg ${side}" id="m-${escapeHtml(m.key)}">${inner.join('')}</article>`;
}

function renderAttachment(a: Attachment, labels: HtmlLabels, url: string | undefined): string {
  const name = a.name ?? a.mediaType ?? 'attachment';
  if (url !== undefined && a.status === 'captured') {
    const src = escapeHtml(url);
    const mime = a.mime ?? '';
    if (mime.startsWith('image/')) return `<div class="att"><img src="${src}" alt="${escapeHtml(name)}" loading="lazy"></div>`;
    if (mime.startsWith('video/')) return `<div class="att"><video src="${src}" controls preload="metadata"></video></div>`;
    if (mime.startsWith('audio/')) return `<div class="att"><audio src="${src}" controls preload="metadata"></audio></div>`;
    return `<div class="att"><a href="${src}" download="${escapeHtml(name)}">📎 ${escapeHtml(name)}</a></div>`;
  }
  return `<div class="att file" dir="auto">📎 <bdi>${escapeHtml(name)}</bdi> (${escapeHtml(labels.status[a.status])})</div>`;
}

/** HH:MM of an ISO value, or the date for day-precision values. */
function clock(value: string): string {
  const m = /T(\d{2}:\d{2})/.exec(value);
  return m ? m[1]! : value;
}

function dateRange(doc: ChatExport): string {
  const first = doc.messages[0]!.timestamp.value.slice(0, 10);
  const last = doc.messages[doc.messages.length - 1]!.timestamp.value.slice(0, 10);
  return first === last ? first : `${first} – ${last}`;
}
