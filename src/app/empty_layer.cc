// Keeps a layer that has only headers so far linkable.
