// HAProxy's stats CSV (`/stats;csv`) as rows keyed by its header: pxname, svname, status, check_status, …
/** One proxy or server, every value as HAProxy wrote it (strings; empty when not applicable). */
export type StatsRow = Record<string, string>;

/** One row per proxy and server; the first line is the header, prefixed with `# `. */
export function parseStatsCsv(csv: string): StatsRow[] {
  const [header = '', ...lines] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i] ?? String(i), value])));
}
