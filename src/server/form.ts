// application/x-www-form-urlencoded, parsed straight into (name, value) pairs in order, with the WHATWG URL
// Standard's rules (what URLSearchParams does): '&' separates pairs, the first '=' splits name from value, '+' is
// a space, %XX is a byte, a '%' not followed by two hex digits stays as it is, and the bytes are read as UTF-8
// (invalid sequences become U+FFFD). Done by hand because the EC2 endpoint parses one body per request and
// keeps the pairs for the journal: no URLSearchParams object and no second pass over it.

export type FormPairs = [string, string][];

export function parseForm(text: string): FormPairs {
  const out: FormPairs = [];
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = text.indexOf('=', start);
      if (eq >= 0 && eq < end) out.push([decode(text.slice(start, eq)), decode(text.slice(eq + 1, end))]);
      else out.push([decode(text.slice(start, end)), '']);
    }
    start = end + 1;
  }
  return out;
}

/** The first value of `name`, as URLSearchParams.get gives it. */
export function formGet(pairs: FormPairs, name: string): string | undefined {
  for (const [k, v] of pairs) if (k === name) return v;
  return undefined;
}

function decode(s: string): string {
  const plus = s.includes('+');
  if (!plus && !s.includes('%')) return s;
  const t = plus ? s.replace(/\+/g, ' ') : s;
  try {
    return decodeURIComponent(t);
  } catch {
    return lenientDecode(t);
  }
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

/** Percent-decoding that keeps malformed escapes literally and reads invalid UTF-8 as U+FFFD. */
function lenientDecode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[j++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[j++] = b;
  }
  return out.toString('utf8', 0, j);
}
