"""Start the statementqa chat app: ``python app.py [--host H] [--port P] [--corpus DIR] ...``
(the same options as ``statementqa serve``)."""
import sys

from statementqa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
