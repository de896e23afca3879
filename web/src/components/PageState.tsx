/** What a page shows while its data loads, or when loading failed (with the server's detail). */
export function PageState({ loading, error, onRetry }: { loading: boolean; error: string | null; onRetry?: () => void }) {
  if (error) {
    return (
      <div class="page-state" role="alert">
        <p>{error}</p>
        {onRetry && (
          <button class="button button-ghost" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  }
  if (loading) {
    return (
      <div class="page-state" aria-busy="true">
        <span class="spinner" aria-label="Loading" />
      </div>
    );
  }
  return null;
}
