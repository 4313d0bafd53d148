// Whether a zone name is one Intl knows. Settings (config.ts) and week maths both ask, and
// settings sit below every folder, so the check lives beside them rather than in content/.
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
