import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/contract/index';
import { api } from './client';

/** Subscribes to a contract event for the life of the component; the latest handler is used. */
export function useEvent<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => api.on(name, (p) => ref.current(p)), [name]);
}
