// Evidence as short human lines, shared by the text reporters.

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.map(formatValue).join(', ');
    return value.map((v) => formatInline(v)).join('; ');
  }
  return formatInline(value);
}

function formatInline(value: unknown): string {
  if (typeof value !== 'object' || value === null) return formatValue(value);
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : formatValue(v)}`)
    .join(' ');
}

/**
 * Evidence for people: machine twins are left to the JSON (`elapsedSeconds` beside `elapsed`,
 * structured `…Detail` beside its one-line form).
 */
export function evidenceLines(evidence: Record<string, unknown>): string[] {
  return Object.entries(evidence)
    .filter(([, v]) => v !== undefined)
    .filter(([k]) => !(k.endsWith('Seconds') && k.slice(0, -'Seconds'.length) in evidence))
    .filter(([k]) => !(k.endsWith('Detail') && k.slice(0, -'Detail'.length) in evidence))
    .map(([k, v]) => `${k}: ${formatValue(v)}`);
}
