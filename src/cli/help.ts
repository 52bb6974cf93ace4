// Help texts. Plain words first; the age vocabulary only where an expert option needs it.
import type { CommandName } from './args';

const KEY_HELP = `Your key (never typed on the command line):
  asked for at the terminal (nothing is shown while you type), or read from
  standard input when it is not a terminal, or:
  --key-file FILE        a file holding your 64-digit key (spaces, dashes and
                         line breaks are fine) or its AGE-SECRET-KEY-… line
  --identity FILE        an age identity file (may list several keys; repeatable)
  --key-file-age FILE    your password key file (password mode); the password is
                         asked for, read from standard input, or from:
  --password-file FILE   a file holding the password (one trailing line break
                         is ignored; everything else counts)
  --keyring FILE         your keyring (older keys, sealed to the current key),
                         so backups made before a key rotation open too
  --key-type pq|classic  the key's type, when you know it (64 digits alone do
                         not say; both are tried when it is not given)`;

const TOP = `chatseal — open, check and make ChatSeal backups from a terminal

Usage:
  chatseal decrypt BACKUP.age -o FOLDER   check a backup, then write its chat
  chatseal verify BACKUP.age              check a backup completely, write nothing
  chatseal inspect BACKUP.age             what a backup shows without a key
  chatseal convert EXPORT.txt|EXPORT.zip  print a WhatsApp export as chatseal/1 JSON
  chatseal encrypt EXPORT.txt|EXPORT.zip -o BACKUP.age
                                          make a backup of a WhatsApp export
  chatseal help COMMAND                   more about one command
  chatseal --version

Every command takes --verbose: with a failure, also print the technical detail
(which check failed, where in the file).

Exit codes: 0 ok, 1 usage, 2 what was given as the key is not a key (or not a
key file), 3 not a ChatSeal backup, 4 wrong key, 5 damaged (the backup, key file
or keyring), 6 cut short (the backup or key file), 7 not made with your key (the
backup's signature failed), 8 wrong password, 9 file error, 10 not a readable
WhatsApp export, 70 internal error, 130 interrupted. See docs/CLI.md.`;

const COMMAND_HELP: Record<CommandName, string> = {
  decrypt: `Usage: chatseal decrypt BACKUP.age -o FOLDER [key options]

Checks the whole backup first (every byte, the signature made with your key,
every file's fingerprint) and writes nothing to FOLDER until that has passed.
The chat is unpacked into a private temporary folder next to FOLDER and moved
into place at the end; if anything fails, FOLDER is left as it was.

FOLDER receives:
  chat.json       the chat (chatseal/1 JSON)
  media/          attachments, named by their SHA-256
  manifest.json   what the backup says about itself (sizes, fingerprints)
FOLDER may exist already, but none of those names may exist in it.
  --verbose   with a failure, also print its technical detail

${KEY_HELP}`,
  verify: `Usage: chatseal verify BACKUP.age [--json] [key options]

Checks the whole backup (every byte, the signature made with your key, every
file's fingerprint) and prints a summary. Writes nothing.
  --json      print the summary as JSON
  --verbose   with a failure, also print its technical detail

${KEY_HELP}`,
  inspect: `Usage: chatseal inspect BACKUP.age [--json]

Shows what anyone can see without the key: the key id the backup names, the
file's size, the header and payload sizes, the number of 64 KiB chunks and the
header's stanza types. Checks nothing cryptographic.
  --json      print as JSON
  --verbose   with a failure, also print its technical detail`,
  convert: `Usage: chatseal convert EXPORT.txt|EXPORT.zip [--me NAME]

Reads a WhatsApp "Export chat" file (.txt, or .zip with media) and prints the
chat as chatseal/1 JSON on standard output: for a .zip, with each attachment's
SHA-256 and path as a backup stores it, so this is the document encrypt embeds.
Lines that cannot be read are listed on standard error.
  --me NAME       which participant is you (otherwise no message is marked as sent)
  --locale TAG    decides day/month order when the file cannot (e.g. en-GB);
                  default: this system's locale
  --verbose       with a failure, also print its technical detail`,
  encrypt: `Usage: chatseal encrypt EXPORT.txt|EXPORT.zip -o BACKUP.age [--me NAME] [key options]

Makes an encrypted ChatSeal backup of a WhatsApp "Export chat" file, as the
extension's import page does. BACKUP.age must not exist yet; it appears only
when the backup is complete.
  --me NAME       which participant is you
  --locale TAG    decides day/month order when the file cannot (e.g. en-GB)
  --verbose       with a failure, also print its technical detail

A 64-digit key makes a post-quantum backup unless --key-type classic is given
(classic backups also open with age 1.1).

${KEY_HELP}`,
};

export function helpText(topic?: CommandName): string {
  return topic === undefined ? TOP : COMMAND_HELP[topic];
}
