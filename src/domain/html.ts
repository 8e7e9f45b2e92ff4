/** Text for HTML: element content and quoted attribute values alike. */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A paragraph of plain text: escaped, its line breaks kept. */
export const paragraph = (text: string): string =>
  `<p>${escapeHtml(text).split('\n').join('<br>')}</p>`;
