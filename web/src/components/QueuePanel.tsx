import { useAlbumContext } from '../api/cache';
import { formatDurationMs } from '../lib/format';
import { useReorderDrag, type DragItemProps } from '../lib/reorder-drag';
import { useStore } from '../lib/store';
import { moveInQueue, playQueueEntry, removeFromQueue } from '../player/engine';
import type { QueueEntry } from '../player/queue';
import { player, toggleQueuePanel } from '../player/state';
import { Cover } from './Cover';
import { Icon } from './icons';

function QueueItem({
  entry,
  index,
  isCurrent,
  isPast,
  isLast,
  dragProps,
  dragClass,
}: {
  entry: QueueEntry;
  index: number;
  isLast: boolean;
  isCurrent: boolean;
  isPast: boolean;
  dragProps: DragItemProps;
  dragClass: string;
}) {
  const { album, artist } = useAlbumContext(entry.track.albumId);
  return (
    <li
      class={`queue-item ${dragClass}${isCurrent ? ' is-current' : ''}${isPast ? ' is-past' : ''}`}
      data-testid="queue-item"
      data-track-id={entry.track.id}
      {...dragProps}
    >
      <span class="grip" aria-hidden="true">
        <Icon name="grip" size={16} />
      </span>
      <button class="queue-play" onClick={() => playQueueEntry(index)} aria-label={`Play ${entry.track.title}`}>
        <Cover cover={album?.cover} seed={entry.track.albumId} label={album?.title ?? entry.track.title} displayPx={40} />
        <span class="queue-meta">
          <span class="queue-title">{entry.track.title}</span>
          <span class="queue-artist">{artist?.name ?? '\u00a0'}</span>
        </span>
      </button>
      <span class="queue-duration">{formatDurationMs(entry.track.durationMs)}</span>
      {/* Buttons as well as dragging: touch screens and keyboards have no HTML5 drag and drop. */}
      <button
        class="icon-button"
        data-testid="queue-up"
        aria-label={`Move ${entry.track.title} up`}
        title="Move up"
        disabled={index === 0}
        onClick={() => moveInQueue(index, index - 1)}
      >
        <Icon name="up" size={16} />
      </button>
      <button
        class="icon-button"
        data-testid="queue-down"
        aria-label={`Move ${entry.track.title} down`}
        title="Move down"
        disabled={isLast}
        onClick={() => moveInQueue(index, index + 1)}
      >
        <Icon name="down" size={16} />
      </button>
      <button
        class="icon-button"
        data-testid="queue-remove"
        aria-label={`Remove ${entry.track.title} from the queue`}
        title="Remove from queue"
        onClick={() => removeFromQueue(index)}
      >
        <Icon name="close" size={16} />
      </button>
    </li>
  );
}

export function QueuePanel() {
  const { queue } = useStore(player);
  const drag = useReorderDrag(moveInQueue);
  return (
    <aside class="queue-panel" data-testid="queue-panel" aria-label="Queue">
      <header class="queue-header">
        <h2>Queue</h2>
        <button class="icon-button" aria-label="Close the queue" onClick={() => toggleQueuePanel(false)}>
          <Icon name="close" size={18} />
        </button>
      </header>
      {queue.entries.length === 0 ? (
        <p class="empty">The queue is empty. Add tracks with the queue button on any track.</p>
      ) : (
        <ol class="queue-list">
          {queue.entries.map((entry, index) => (
            <QueueItem
              key={entry.key}
              entry={entry}
              index={index}
              isCurrent={index === queue.current}
              isPast={index < queue.current}
              isLast={index === queue.entries.length - 1}
              dragProps={drag.itemProps(index)}
              dragClass={drag.itemClass(index)}
            />
          ))}
        </ol>
      )}
    </aside>
  );
}
