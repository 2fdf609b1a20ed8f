"""Exception classes. Each message says what went wrong and what to do next."""


class CtpairsError(Exception):
    """Base class of every error ctpairs raises on purpose."""


class ApiError(CtpairsError):
    """The ClinicalTrials.gov API answered with an error; the message is the API's own text."""

    def __init__(self, status: int, message: str, url: str):
        self.status = status
        self.api_message = message
        self.url = url
        super().__init__(f"ClinicalTrials.gov API returned {status} for {url}: {message}")


class BadRecordError(CtpairsError):
    """A record is not a ClinicalTrials.gov v2 study (malformed JSON, no protocolSection...)."""


class StoreError(CtpairsError):
    """The local store cannot be opened or is not a ctpairs store."""


class UnknownAxisError(CtpairsError):
    """No pair builder is registered under the requested axis name."""
