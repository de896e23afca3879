import { useRef, useState } from 'preact/hooks';

// A type of our own, so that a dragged row dropped on a text field does not paste anything.
const DRAG_TYPE = 'application/x-cadenza-position';

export interface DragItemProps {
  draggable: boolean;
  onDragStart: (event: DragEvent) => void;
  onDragOver: (event: DragEvent) => void;
  onDrop: (event: DragEvent) => void;
  onDragEnd: () => void;
}

export interface ReorderDrag {
  itemProps(index: number): DragItemProps;
  /** "drop-before" / "drop-after" on the row the dragged one would land on; "is-dragging" on it. */
  itemClass(index: number): string;
}

/**
 * HTML5 drag and drop to reorder a list: dropping an item on another moves it to that item's
 * position (the same meaning as the server's {from, to} moves).
 */
export function useReorderDrag(onMove: (from: number, to: number) => void, enabled = true): ReorderDrag {
  const dragFrom = useRef<number | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);

  const reset = () => {
    dragFrom.current = null;
    setFrom(null);
    setOver(null);
  };

  return {
    itemProps: (index) => ({
      draggable: enabled,
      onDragStart: (event: DragEvent) => {
        if (!enabled) return;
        dragFrom.current = index;
        setFrom(index);
        if (event.dataTransfer) {
          event.dataTransfer.effectAllowed = 'move';
          event.dataTransfer.setData(DRAG_TYPE, String(index));
        }
      },
      onDragOver: (event: DragEvent) => {
        if (dragFrom.current === null) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
        setOver(index);
      },
      onDrop: (event: DragEvent) => {
        const start = dragFrom.current;
        if (start === null) return;
        event.preventDefault();
        event.stopPropagation();
        reset();
        if (start !== index) onMove(start, index);
      },
      onDragEnd: reset,
    }),
    itemClass: (index) => {
      if (from === null) return '';
      if (index === from) return 'is-dragging';
      if (index !== over) return '';
      return from < index ? 'drop-after' : 'drop-before';
    },
  };
}
