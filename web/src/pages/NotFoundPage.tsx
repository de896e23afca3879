export function NotFoundPage({ message }: { message?: string }) {
  return (
    <div class="page-state">
      <h1 class="page-title">Nothing here</h1>
      <p>{message ?? 'This page does not exist.'}</p>
      <a class="button button-primary" href="/">
        Go home
      </a>
    </div>
  );
}
