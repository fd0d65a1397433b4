// Minimal XML writing: escaping, and text that XML 1.0 can carry at all.
const INVALID = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ANSI = /\x1B\[[0-9;]*[A-Za-z]/g;

export function xmlText(value: string): string {
  return value.replace(ANSI, '').replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(value: string | number): string {
  return xmlText(String(value)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

export function element(name: string, attrs: Record<string, string | number | undefined>, body?: string): string {
  const rendered = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(v!)}"`)
    .join('');
  return body === undefined ? `<${name}${rendered}/>` : `<${name}${rendered}>${body}</${name}>`;
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
