/** How a text message is counted by the networks: GSM-7 septets or UCS-2 units, in segments. */
/** GSM 03.38's basic set (and the extension's characters, which count twice). */
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€';

/** How many messages a text takes: 160 GSM-7 characters in one (153 when split), else 70 (67). */
export const smsSegments = (text: string): { encoding: 'GSM-7' | 'UCS-2'; segments: number } => {
  let septets = 0;
  for (const char of text) {
    if (GSM7.includes(char)) septets += 1;
    else if (GSM7_EXTENDED.includes(char)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'UCS-2', segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
};
