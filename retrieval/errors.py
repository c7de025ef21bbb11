"""User-facing errors. Each message says what went wrong and how to fix it; the CLI and the
app print ``str(err)`` as one line instead of a traceback."""


class UserError(Exception):
    """An error caused by input or configuration that the user can fix."""


class CorpusError(UserError):
    pass


class QueryError(UserError):
    pass


class ModelError(UserError):
    pass
