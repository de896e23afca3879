/** m:ss (or h:mm:ss from an hour on), for durations and playback positions in seconds. */
export function formatTime(totalSeconds: number | null | undefined): string {
  if (totalSeconds == null || !Number.isFinite(totalSeconds) || totalSeconds < 0) return '0:00';
  const whole = Math.floor(totalSeconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function formatDurationMs(durationMs: number | null | undefined): string {
  return durationMs == null ? '–:––' : formatTime(durationMs / 1000);
}

export function fileTitle(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const base = dot > 0 ? fileName.slice(0, dot) : fileName;
  // Titles are at most 200 characters on the server.
  return base.trim().slice(0, 200) || 'Untitled';
}

export function releaseYear(releaseDate: string | null): string {
  return releaseDate ? releaseDate.slice(0, 4) : '';
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
