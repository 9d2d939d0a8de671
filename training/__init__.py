"""Model building, outside the runtime and the wheel: the trainer (``python -m training.train``,
``make model``), the corpus loaders, scores, and the form generator (``training.generate``)."""
