// The ChatSeal mark as inline SVG (a speech bubble with a seal), so the page never loads an
// extension file: no web_accessible_resources, nothing a page could probe for.
export const MARK_SVG =
  '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">' +
  '<path d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" fill="currentColor" opacity=".18"/>' +
  '<path d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>' +
  '<rect x="8.5" y="9.5" width="7" height="5" rx="1" fill="currentColor"/>' +
  '<path d="M10 9.5V8a2 2 0 0 1 4 0v1.5" fill="none" stroke="currentColor" stroke-width="1.6"/>' +
  '</svg>';
