import { useRef } from 'react';

interface Props {
  label: string;
  /** Current size in px of the pane this handle resizes. */
  size: number;
  min: number;
  max: number;
  /** +1 when dragging right grows the pane, -1 when dragging left grows it. */
  direction: 1 | -1;
  onResize(size: number): void;
  onCommit(size: number): void;
}

/** A vertical splitter usable by mouse and keyboard (arrows; Shift for bigger steps). */
export function ResizeHandle({ label, size, min, max, direction, onResize, onCommit }: Props) {
  const start = useRef<{ x: number; size: number } | null>(null);
  const clamp = (v: number) => Math.round(Math.min(max, Math.max(min, v)));
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={size}
      tabIndex={0}
      className="resize-handle"
      onPointerDown={(e) => {
        start.current = { x: e.clientX, size };
        (e.target as HTMLElement).setPointerCapture(e.pointerId);
      }}
      onPointerMove={(e) => {
        if (!start.current) return;
        onResize(clamp(start.current.size + direction * (e.clientX - start.current.x)));
      }}
      onPointerUp={(e) => {
        if (!start.current) return;
        const next = clamp(start.current.size + direction * (e.clientX - start.current.x));
        start.current = null;
        onCommit(next);
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 64 : 16;
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
          e.preventDefault();
          const delta = (e.key === 'ArrowRight' ? step : -step) * direction;
          const next = clamp(size + delta);
          onResize(next);
          onCommit(next);
        }
      }}
    />
  );
}
