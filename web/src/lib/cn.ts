/** Joins class names, skipping the falsy ones (what shadcn's `cn` does, without a dependency). */
export function cn(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(' ');
}
