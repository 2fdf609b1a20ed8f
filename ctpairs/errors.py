"""The exceptions ctpairs raises on purpose, in one hierarchy.

The library raises these and never calls ``sys.exit``; the command line (:mod:`ctpairs.cli`)
turns each into one line on stderr (``error: <what>, <where>; <what to do>``) and a non-zero
exit code, with the traceback only under ``--debug`` (or ``CTPAIRS_DEBUG=1``). Every message
says what went wrong, where, and what to do next, on one line.

::

    CtpairsError
    ├── UsageError              an argument value that cannot work (workers 0, page size 5000...)
    ├── InputError              an input path that is missing or of an unsupported type
    │   └── NoStudiesError      an input that holds no readable study at all
    ├── BadRecordError          one record that is not a v2 study (reported, never fatal to a run)
    ├── StoreError              the store cannot be opened or is not a ctpairs store
    │   └── StoreNotFoundError  a read-only command was pointed at a store that does not exist
    ├── ApiError                the ClinicalTrials.gov API answered with an error
    ├── ApiUnreachableError     the API could not be reached (no network, DNS failure...)
    ├── UnknownAxisError        no pair builder under that axis name
    ├── OutputExistsError       an output path holds something ctpairs will not overwrite
    ├── PackageError            pairs cannot be packaged as asked
    ├── PeekError               a completion states a counterfactual value its prompt does not show
    ├── TraceError              traces cannot be generated or read as asked
    ├── ChatError               a chat model (ctpairs/chat.py) cannot be reached, used or loaded
    │   └── ChatRefusedError    the chat server refused one request (400/422, e.g. a prompt too long)
    ├── GeneratorError          a teacher model cannot be named, reached or loaded
    │   └── ReplyError          the teacher refused one request (that try fails, the run goes on)
    ├── PathwayError            a pathway cannot be made (no index, no drug arm, no cutoff...)
    ├── PublishError            a packaged folder cannot be published as asked
    └── TrainError              a training run cannot start
        ├── DatasetNotFoundError, ConfigNotFoundError, SplitNotFoundError, ModelNotFoundError
        └── TrainExtraMissingError (also an ImportError)
"""

from __future__ import annotations


class CtpairsError(Exception):
    """Base class of every error ctpairs raises on purpose."""


class UsageError(CtpairsError):
    """An argument value that cannot work (``workers=0``, a page size over 1000...)."""


class InputError(CtpairsError):
    """An input path that does not exist or is of a type ctpairs does not read."""


class NoStudiesError(InputError):
    """An input that holds no readable study record at all."""


class BadRecordError(CtpairsError):
    """A record is not a ClinicalTrials.gov v2 study (malformed JSON, no protocolSection...)."""


class StoreError(CtpairsError):
    """The local store cannot be opened or is not a ctpairs store."""


class StoreNotFoundError(StoreError):
    """A command that only reads the store was given a store path that does not exist."""


class ApiError(CtpairsError):
    """The ClinicalTrials.gov API answered with an error; the message is the API's own text."""

    def __init__(self, status: int, message: str, url: str):
        self.status = status
        self.api_message = message
        self.url = url
        super().__init__(f"ClinicalTrials.gov API returned {status} for {url}: {' '.join(message.split())}")


class ApiUnreachableError(CtpairsError):
    """The API could not be reached: no network, a name that does not resolve, a refused connection."""


class UnknownAxisError(CtpairsError):
    """No pair builder is registered under the requested axis name."""


class OutputExistsError(CtpairsError):
    """An output path holds something that ctpairs does not own or will not overwrite unasked."""


class PackageError(CtpairsError):
    """The pairs cannot be packaged as asked (bad version, no pairs, unknown output folder...)."""


class PublishError(CtpairsError):
    """A packaged folder cannot be published as asked (no manifest, tag exists, no token...)."""


class TrainError(CtpairsError):
    """A training run cannot start as asked."""


class DatasetNotFoundError(TrainError):
    """The dataset to train on is neither a local folder or file nor reachable on the Hub."""


class ConfigNotFoundError(TrainError):
    """The dataset config (axis) is missing or unknown; the message lists the configs there are."""


class SplitNotFoundError(TrainError):
    """The split does not exist in that config; the message lists the splits there are."""


class ModelNotFoundError(TrainError):
    """The model is neither a local folder nor in the Hugging Face cache, and the Hub cannot be reached."""


class TrainExtraMissingError(TrainError, ImportError):
    """The training extra (TRL, PEFT, Accelerate) is not installed."""


class PeekError(CtpairsError):
    """A completion states a counterfactual-side value the prompt does not show."""


class TraceError(CtpairsError):
    """Traces cannot be generated or read as asked (no pairs, an unknown run in the cache...)."""


class PathwayError(CtpairsError):
    """A pathway cannot be made: no index, a target without drug arms or outcomes, a bad cutoff..."""


class ChatError(CtpairsError):
    """The chat backend (:mod:`ctpairs.chat`) cannot reach, use or load a model; its callers
    (:mod:`ctpairs.teacher`, :mod:`ctpairs.llm`) raise it again as their own error."""


class ChatRefusedError(ChatError):
    """An OpenAI-compatible server refused one request (Bad Request or Unprocessable Entity)."""


class GeneratorError(CtpairsError):
    """A generator spec is malformed, or a teacher cannot be reached, used or loaded: the run stops."""


class ReplyError(GeneratorError):
    """The teacher refused one request (e.g. a prompt too long for it): that try fails, the run goes on."""
