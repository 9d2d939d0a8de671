"""spaCy, imported without its command line.

``import spacy`` imports ``spacy.cli.info`` for the one name ``spacy.info``, and with it the
whole of spaCy's command line: typer, weasel, requests and the module of every ``spacy``
command. That is 0.3-0.4 CPU seconds and some 350 modules at every recordroom start that loads
the classifier, none of them used by a running pipeline.

Before spaCy is first imported, ``spacy.cli.info`` is stood in by a module that imports the real
one the first time anything in it is used: ``spacy.info()`` and ``import spacy.cli`` still work.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from collections.abc import Mapping
from typing import Any

_INFO = "spacy.cli.info"
_lock = threading.Lock()


def _real_info_module() -> types.ModuleType:
    with _lock:
        if isinstance(sys.modules.get(_INFO), _InfoOnDemand):
            del sys.modules[_INFO]
        return importlib.import_module(_INFO)


class _InfoOnDemand(types.ModuleType):
    """Stands in for ``spacy.cli.info`` until one of its names is read."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(_real_info_module(), name)


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, the real one imported when first called."""
    return _real_info_module().info(*args, **kwargs)


def import_spacy() -> Any:
    """The ``spacy`` module; the first import leaves its command line out until it is used."""
    with _lock:
        if "spacy" not in sys.modules and _INFO not in sys.modules:
            stand_in = _InfoOnDemand(_INFO, _info.__doc__)
            stand_in.info = _info  # type: ignore[attr-defined]
            sys.modules[_INFO] = stand_in
    import spacy

    return spacy


# spaCy keeps every new word it reads (names, numbers, dates: many of a page's words) in its
# vocabulary for the life of the process, some 400 bytes each, and a watcher lives for months.
# A pipeline whose vocabulary grew by this many words since it was loaded is loaded again (a
# quarter of a CPU second, every few thousand documents). spaCy's memory zones would drop them
# after each text, but inside a zone its tokenizer caches nothing: the patient labels took 11
# times as long.
VOCABULARY_GROWTH = 50_000


def outgrown(vocab: Any, loaded_with: int) -> bool:
    """Whether ``vocab`` holds ``VOCABULARY_GROWTH`` more words than it was loaded with."""
    return len(vocab.strings) - loaded_with > VOCABULARY_GROWTH


# spaCy's English tokenizer has special cases for a lone space, tab and line break that restate
# what it does with them anyway: one token of the same text. But once any special case has matched
# in a text, the tokenizer caches nothing more of that text (spaCy issue 1250), and nearly every
# page has a line break: each further word was split again by the prefix, suffix and infix
# patterns, 2.2 ms for a page of 250 words instead of 0.1 ms from the cache. These three are left
# out; every other special case (a lone no-break space among them) stays.
RESTATED_SPECIAL_CASES = frozenset({" ", "\t", "\n"})


def cacheable_exceptions(exceptions: Mapping[str, Any]) -> dict[str, Any]:
    """A tokenizer's special cases without ``RESTATED_SPECIAL_CASES``."""
    return {
        text: tokens for text, tokens in exceptions.items() if text not in RESTATED_SPECIAL_CASES
    }


def cacheable_defaults(defaults: Any, **overrides: Any) -> type:
    """A language's ``Defaults`` without ``RESTATED_SPECIAL_CASES`` among its special cases, and
    with ``overrides`` (``infixes=[…]``): a tokenizer built from them has its cache kept filling."""
    exceptions = cacheable_exceptions(defaults.tokenizer_exceptions)
    return type("Defaults", (defaults,), {"tokenizer_exceptions": exceptions, **overrides})


def cacheable_tokenizer(nlp: Any) -> Any:
    """The tokenizer spaCy's own ``spacy.Tokenizer.v1`` builds for ``nlp``, from
    ``cacheable_defaults`` of its language: the same tokens, and its cache kept filling."""
    spacy = import_spacy()
    build = spacy.util.registry.get("tokenizers", "spacy.Tokenizer.v1")()
    return build(types.SimpleNamespace(vocab=nlp.vocab, Defaults=cacheable_defaults(nlp.Defaults)))
