// The DOM anchors the WhatsApp Web adapter relies on, each with its forms (current first, older or
// independent ones after). Obfuscated atomic classes (_amjv, x1n2onr6, …) rotate every few months
// and are never used; the forms are ARIA roles, ids in attributes, data-icon names, the few
// long-lived semantic classes and, last, localized words. docs/SITES.md lists the same table.
import type { Anchor } from '../adapter';

/** Words WhatsApp shows, per language the capture knows; used only where no attribute exists. */
export const WORDS = {
  gate: [
    'Click this message to load older messages from your phone',
    'Click here to get older messages from your phone.',
    'Clique neste aviso para carregar mensagens mais antigas do seu celular',
    'Haz clic aquí para obtener mensajes anteriores de tu teléfono',
    'Klicke hier, um ältere Nachrichten von deinem Telefon zu laden',
  ],
  unavailable: [
    'Use WhatsApp on your phone to see older messages',
    'Use o WhatsApp no seu celular para ver mensagens mais antigas',
    'Usa WhatsApp en tu teléfono para ver mensajes anteriores',
    'Verwende WhatsApp auf deinem Telefon, um ältere Nachrichten zu sehen',
  ],
  encrypted: [
    'Messages and calls are end-to-end encrypted',
    'Messages to this group are now secured with end-to-end encryption',
    'As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta',
    'Los mensajes y las llamadas están cifrados de extremo a extremo',
    'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt',
  ],
  deleted: [
    'This message was deleted',
    'You deleted this message',
    'Esta mensagem foi apagada',
    'Mensagem apagada',
    'Você apagou esta mensagem',
    'Se eliminó este mensaje',
    'Eliminaste este mensaje',
    'Diese Nachricht wurde gelöscht',
    'Du hast diese Nachricht gelöscht',
  ],
  forwarded: ['Forwarded', 'Forwarded many times', 'Encaminhada', 'Encaminhada com frequência', 'Reenviado', 'Weitergeleitet'],
  quoted: ['Quoted message', 'Mensagem citada', 'Mensaje citado', 'Zitierte Nachricht'],
} as const;

export const ANCHORS = [
  {
    name: 'conversation',
    description: 'The open conversation pane',
    forms: ['#main', 'the ancestor of the message list that holds a <header>'],
    required: true,
  },
  {
    name: 'chat-header',
    description: "The open chat's header (the button goes here; the title is read from it)",
    forms: ['header'],
    required: true,
  },
  {
    name: 'chat-title',
    description: "The chat's name in the header",
    forms: ['header span[dir="auto"]', 'header span[title]'],
    required: false,
  },
  {
    name: 'message-list',
    description: 'The element holding the message rows',
    forms: ['[role="application"]', '.copyable-area'],
    required: true,
  },
  {
    name: 'message-row',
    description: 'One row of the list (message, day chip, notice)',
    forms: ['[role="row"]', 'children of the message list'],
    required: true,
  },
  {
    name: 'message-id',
    description: "A message's id: packed `false_<jid>_<id>[_<participant>]` or bare `<id>`",
    forms: ['data-id'],
    required: true,
  },
  {
    name: 'direction',
    description: 'Incoming or outgoing bubble',
    forms: ['.message-in, .message-out'],
    required: true,
  },
  {
    name: 'pre-plain-text',
    description: 'Time, date and sender of a message: "[10:54 PM, 12/9/2025] Alice: "',
    forms: ['[data-pre-plain-text]'],
    required: true,
  },
  {
    name: 'message-text',
    description: "A message's text (not the quote's)",
    forms: ['[data-testid="selectable-text"]', 'span.selectable-text'],
    required: true,
  },
  {
    name: 'emoji',
    description: 'Emoji drawn as images (their text is the alt)',
    forms: ['img.emoji', 'img[data-plain-text]'],
    required: false,
  },
  {
    name: 'quoted-message',
    description: 'The quoted message inside a reply',
    forms: ['.quoted-mention', '[role="button"][aria-label="Quoted message"] (and its translations)'],
    required: false,
  },
  {
    name: 'author',
    description: 'The sender shown above a group message (for rows without pre-plain-text)',
    forms: ['[data-testid="author"]', '[testid="author"]'],
    required: false,
  },
  {
    name: 'forwarded',
    description: 'The forwarded mark',
    forms: ['[data-icon="forward-refreshed"]', '[data-icon="forwarded"]', '"Forwarded" label (and its translations)'],
    required: false,
  },
  {
    name: 'deleted',
    description: 'A deleted message',
    forms: ['[data-icon^="recalled"]', '"This message was deleted" (and its translations)'],
    required: false,
  },
  {
    name: 'reactions',
    description: 'The reactions under a bubble',
    forms: ['button[aria-label*="reaction" i]', 'a button holding only emoji and a count'],
    required: false,
  },
  {
    name: 'history-gate',
    description: 'The notice that loads older messages from the phone when clicked',
    forms: ['"Click this message to load older messages from your phone" (and older wordings, translations)'],
    required: false,
  },
  {
    name: 'encryption-notice',
    description: 'The first row of every chat: the start of history',
    forms: ['[data-icon="lock-small"]', '"Messages and calls are end-to-end encrypted" (and translations)'],
    required: false,
  },
] as const satisfies readonly Anchor[];

export type AnchorName = (typeof ANCHORS)[number]['name'];
