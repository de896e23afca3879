/** Case-insensitive substring match on any of the given texts; an empty query matches all. */
export function matchesQuery(query: string, ...texts: (string | null | undefined)[]): boolean {
  const wanted = query.trim().toLocaleLowerCase();
  if (!wanted) return true;
  return texts.some((text) => !!text && text.toLocaleLowerCase().includes(wanted));
}
