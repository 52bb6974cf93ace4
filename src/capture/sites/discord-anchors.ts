// The DOM anchors the Discord adapter relies on, current form first and older or structural forms
// after (docs/SITES.md lists them). Discord's class names are hashed and rotate (`message-2CShn3`,
// `message__5126c`, `_a1b2c3-message`), so class forms only ever match a stable part of the name
// (`[class*="…"]`); ids and ARIA attributes come first wherever the app has them.
//
// Forms are evaluated in a scope: row anchors inside one row (outside the quoted reply), the
// edited marker inside the message text, the reply placeholder inside the reply context, a
// reaction inside the reaction bar, history-start and history-loading among the list's own
// children (not inside a message row).
import type { Anchor } from '../adapter';

export const DISCORD_ANCHORS = [
  {
    name: 'message-list',
    description: 'the <ol> that holds the message rows of the open channel',
    forms: ['ol[data-list-id="chat-messages"]', 'ol[class*="scrollerInner"]'],
    required: true,
  },
  {
    name: 'message-row',
    description: 'a message row and its ids: li#chat-messages-<channel>-<message>, or its article',
    forms: ['li[id^="chat-messages-"]', '[data-list-item-id^="chat-messages___chat-messages-"]'],
    required: true,
  },
  {
    name: 'message-timestamp',
    description: 'the <time datetime> (UTC) of a message, outside its text',
    forms: ['time[id^="message-timestamp-"]', '[class*="timestamp"] > time[datetime]'],
    required: true,
  },
  {
    name: 'message-content',
    description: "the message's text: #message-content-<message id>",
    forms: ['[id^="message-content-"]', '[class*="messageContent"]'],
    required: false,
  },
  {
    name: 'message-username',
    description: 'the author name in a group-start (or compact) header',
    forms: ['[id^="message-username-"]', 'h3 [class*="username"]'],
    required: false,
  },
  {
    name: 'sender-avatar',
    description: "the author's avatar (its URL carries the user id; cozy mode only)",
    forms: ['img[class*="avatar"]', 'img[src*="/avatars/"]'],
    required: false,
  },
  {
    name: 'account-panel',
    description: "the signed-in user's panel (its avatar URL tells which messages are your own)",
    forms: ['section[aria-label="User area"]', 'section[class*="panels"]'],
    required: false,
  },
  {
    name: 'channel-header',
    description: "the open channel's header bar (its <h1> is the title; the button goes there)",
    forms: ['section[aria-label="Channel header"]', 'section[class*="title"]'],
    required: true,
  },
  {
    name: 'reply-context',
    description: 'the quoted message above a reply (holds the replied message id)',
    forms: ['[id^="message-reply-context-"]', '[class*="repliedMessage"]'],
    required: false,
  },
  {
    name: 'reply-placeholder',
    description: 'a reply whose original message was deleted',
    forms: ['[class*="repliedTextPlaceholder"]', '[class*="italic"]'],
    required: false,
  },
  {
    name: 'reactions',
    description: "a message's reaction bar",
    forms: ['[id^="message-reactions-"]', '[class*="reactions"]'],
    required: false,
  },
  {
    name: 'reaction',
    description: 'one reaction (emoji and count) in the reaction bar',
    forms: ['[class*="reactionInner"]', '[role="button"][aria-pressed]'],
    required: false,
  },
  {
    name: 'edited-marker',
    description: 'the "(edited)" marker at the end of a message text',
    forms: ['[class*="edited"]', 'time'],
    required: false,
  },
  {
    name: 'system-message',
    description: 'a system row (joins, pins, calls, threads): icon and text, no author header',
    forms: ['[class*="systemMessage"]', '[class*="iconContainer"]'],
    required: false,
  },
  {
    name: 'forwarded',
    description: 'the "Forwarded" block around a forwarded message',
    forms: ['[class*="forwardHeader"]', '[class*="messageSnapshot"]'],
    required: false,
  },
  {
    name: 'image-attachment',
    description: 'an image attachment (link to the original file, and the loaded image)',
    forms: ['[class*="imageWrapper"]', '[class*="imageContainer"]'],
    required: false,
  },
  {
    name: 'file-attachment',
    description: 'the name link of a file attachment',
    forms: ['a[class*="fileNameLink"]', '[class*="filenameLinkWrapper"] a'],
    required: false,
  },
  {
    name: 'sticker',
    description: 'a sticker image',
    forms: ['img[class*="stickerAsset"]', 'img[src*="/stickers/"]'],
    required: false,
  },
  {
    name: 'history-start',
    description: 'the "Welcome to #channel / This is the beginning" header above the first message',
    forms: ['[class*="emptyChannel"]', 'div:not([role]) > h3'],
    required: false,
  },
  {
    name: 'history-loading',
    description: 'the placeholder rows shown while older messages load',
    forms: ['[class*="placeholder"]', '[aria-busy="true"]'],
    required: false,
  },
] as const satisfies readonly Anchor[];

export type DiscordAnchorName = (typeof DISCORD_ANCHORS)[number]['name'];

export function formsOf(name: DiscordAnchorName): readonly string[] {
  const anchor = DISCORD_ANCHORS.find((a) => a.name === name);
  if (!anchor) throw new Error(`no Discord anchor ${name}`);
  return anchor.forms;
}
