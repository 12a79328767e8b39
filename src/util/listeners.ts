/**
 * Any number of listeners for one kind of value: add() returns the function that removes that
 * listener, so no subscriber can replace another's (the single settable callback slots this
 * replaces could be overwritten by whoever set them last).
 */
export interface Listeners<T> {
  add(listener: (value: T) => void): () => void;
  emit(value: T): void;
  size(): number;
}

export function createListeners<T>(): Listeners<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      // A wrapper per subscription: the same function subscribed twice is two subscriptions.
      const entry = (value: T): void => listener(value);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit(value) {
      // A copy: a listener may unsubscribe (itself or another) while being called.
      for (const listener of [...listeners]) listener(value);
    },
    size: () => listeners.size,
  };
}
