"""Why something a learner asked for cannot be done; each message is shown to them as it is."""


class SessionError(Exception):
    """Something the learner asked for cannot be done; the message says why."""


class SessionExpired(SessionError):
    pass


class NothingToStudy(SessionError):
    pass


class UpgradeRequired(SessionError):
    """The learner's plan does not cover this; `feature` says which limit was reached."""

    def __init__(self, message: str, feature: str = ""):
        super().__init__(message)
        self.feature = feature
