import { useEffect, useMemo, useState } from 'preact/hooks';
import { search } from '../api/endpoints';
import type { SearchResults } from '../api/types';
import { navigate } from '../lib/router';
import { createDebouncedSearch, isSearchable, moveActive, searchPath, suggestionsOf, type Suggestion } from '../lib/search';
import { Cover } from './Cover';
import { Icon } from './icons';

const LIST_ID = 'search-suggestions';

function fetchSuggestions(q: string, signal: AbortSignal): Promise<SearchResults> {
  return search.query(searchPath({ q, limit: 3 })!, signal);
}

/**
 * The search field of the top bar: suggestions as the user types (a few of each kind; the
 * request waits for a 150 ms pause and a newer text aborts the older request), browsed with the
 * arrow keys. Enter opens the highlighted suggestion, or the full results when none is.
 */
export function SearchBox() {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  const searcher = useMemo(
    () =>
      createDebouncedSearch<SearchResults>({
        run: fetchSuggestions,
        onResult: (_q, found) => {
          setSuggestions(found ? suggestionsOf(found) : []);
          setActive(-1);
        },
        // Suggestions are a convenience: a failure leaves the field working, Enter still searches.
        onError: () => setSuggestions([]),
      }),
    [],
  );
  useEffect(() => () => searcher.cancel(), []);

  const close = () => {
    setOpen(false);
    setActive(-1);
  };
  const go = (href: string) => {
    searcher.cancel();
    close();
    setText('');
    setSuggestions([]);
    navigate(href);
  };
  const openFull = () => {
    if (isSearchable(text)) go(`/search?q=${encodeURIComponent(text.trim())}`);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      setActive((current) => moveActive(current, event.key === 'ArrowDown' ? 1 : -1, suggestions.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (open && active >= 0 && suggestions[active]) go(suggestions[active].href);
      else openFull();
    } else if (event.key === 'Escape') {
      close();
    }
  };

  const expanded = open && suggestions.length > 0;
  return (
    <div class="topbar-search" role="search">
      {/* The ARIA 1.1 combobox: the wrapper owns the list, the field points at the active option. */}
      <div class="search-box search-box-small" role="combobox" aria-haspopup="listbox" aria-owns={LIST_ID} aria-expanded={expanded}>
        <Icon name="search" size={16} />
        <input
          type="search"
          data-testid="topbar-search"
          placeholder="Search"
          aria-label="Search"
          aria-autocomplete="list"
          aria-controls={LIST_ID}
          aria-activedescendant={expanded && active >= 0 ? `${LIST_ID}-${active}` : undefined}
          value={text}
          onInput={(event) => {
            const value = event.currentTarget.value;
            setText(value);
            setOpen(true);
            searcher.update(value);
          }}
          onKeyDown={onKeyDown}
          onFocus={() => setOpen(true)}
          onBlur={close}
        />
      </div>
      {expanded && (
        <ul class="suggestions" id={LIST_ID} role="listbox" aria-label="Suggestions" data-testid="search-suggestions">
          {suggestions.map((suggestion, index) => (
            <li
              key={`${suggestion.kind}-${suggestion.id}`}
              id={`${LIST_ID}-${index}`}
              role="option"
              aria-selected={index === active}
              class={`suggestion${index === active ? ' is-active' : ''}`}
              data-testid="search-suggestion"
              data-kind={suggestion.kind}
              // Keep the focus in the field so that blur does not close the list before the click.
              onMouseDown={(event) => event.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => go(suggestion.href)}
            >
              {suggestion.coverSeed ? (
                <Cover cover={suggestion.cover} seed={suggestion.coverSeed} label={suggestion.label} displayPx={32} className="suggestion-art" />
              ) : (
                <span class="suggestion-art suggestion-icon" aria-hidden="true">
                  <Icon name={suggestion.kind === 'playlist' ? 'music' : 'search'} size={16} />
                </span>
              )}
              <span class="suggestion-text">
                <span class="suggestion-label">{suggestion.label}</span>
                <span class="suggestion-detail">{suggestion.detail}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
