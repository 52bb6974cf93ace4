// Addresses into the options page that other pages link to.

/** options.html with this hash opens the "Check my key" / "Check my password" form, field focused. */
export const OPTIONS_CHECK_HASH = '#check';

export function wantsCheck(hash: string): boolean {
  return hash === OPTIONS_CHECK_HASH;
}
