// The chat sites ChatSeal captures from: the origins the worker accepts capture traffic from, and
// the content scripts' match patterns (entrypoints/*.content.ts use the same hosts).
export const CHAT_ORIGINS = ['https://web.whatsapp.com', 'https://web.telegram.org', 'https://discord.com'] as const;
